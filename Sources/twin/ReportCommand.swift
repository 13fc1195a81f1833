import ArgumentParser
import Foundation
import TwinAnalytics
import TwinJSON
import TwinLayout
import TwinOperations
import TwinState

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Report machine performance (availability, performance, quality, OEE) and bottlenecks from a plant's history.",
        discussion: """
            Reads the plant's history (written by twin apply, twin run, twin sync) over a period: --from and --to, \
            a shift of the manifest's calendar (--shift NAME, on --date or the day of the history's last update), \
            or the whole history. Availability is running time over planned busy time (the calendar's shifts less \
            breaks and planned stops, less stops reported as planned and time without data); performance is parts \
            times the ideal cycle time (cycle_s, or machine_kinds) over running time; quality is good over good and \
            scrap (the counters good and scrap, summed across resets). Bottlenecks of each line by the \
            active-period method. Definitions: docs/analytics.md.

            Examples:
              twin report Assets/demo/plant.yaml --db out/shift-start/history.sqlite --line LINE-1
              twin report Assets/demo/plant.yaml --shift early --date 2026-05-04 --json
              twin report Assets/demo/plant.yaml --from 2026-05-04T06:00:00Z --to 2026-05-04T10:00:00Z --md report.md
            """)

    @Argument(help: "A plant.yaml manifest.")
    var plant: String

    @Option(help: "Start of the period, ISO 8601 (2026-05-04T06:00:00Z).", transform: TimeArgument.parse)
    var from: TimeArgument?

    @Option(help: "End of the period, ISO 8601.", transform: TimeArgument.parse)
    var to: TimeArgument?

    @Option(help: "A shift of the manifest's calendar: the period is that shift.")
    var shift: String?

    @Option(help: "The day the shift starts, YYYY-MM-DD (default: the day of the history's last update).")
    var date: String?

    @Option(help: "Only this production line (an id of the manifest's lines:): its machines and its bottleneck.")
    var line: String?

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Option(help: "Also write the report as Markdown to this file.")
    var md: String?

    @OptionGroup var history: HistoryOptions
    @OptionGroup var load: LoadOptions

    func validate() throws {
        if shift != nil, from != nil || to != nil { throw ValidationError("give --shift or --from/--to, not both") }
        if date != nil, shift == nil { throw ValidationError("--date goes with --shift") }
        if let from, let to, to.value <= from.value { throw ValidationError("--to must lie after --from") }
    }

    func run() throws {
        let loaded = try load.loadPlant(plant)
        guard let store = try history.openExisting(plant: loaded, at: plant) else {
            throw CLIFailure.badInput("\(history.path(for: plant)): no history to report on (twin apply, twin run or twin sync write one; or give --db)")
        }
        guard let span = try store.timeSpan() else { throw CLIFailure.badInput("\(store.path): the history holds no updates yet") }
        var start = from?.value ?? span.first, end = to?.value ?? span.last
        var title: String?
        if let shift {
            guard let calendar = loaded.calendar else { throw CLIFailure.badInput("\(plant): no calendar: section, so no shift '\(shift)' (see docs/manifest.md)") }
            guard calendar.shifts.contains(where: { $0.name == shift }) else {
                throw CLIFailure.badInput("--shift: no shift '\(shift)' in the calendar (shifts: \(calendar.shifts.map(\.name).joined(separator: ", ")))")
            }
            let day: String
            if let date {
                day = date
            } else {
                day = String(span.last.description.prefix(10))
            }
            guard day.count == 10, let midnight = Timestamp(iso8601: day + "T00:00:00Z") else {
                throw CLIFailure.badInput("--date: expected YYYY-MM-DD such as 2026-05-04, found '\(day)'")
            }
            // The shift that starts on that (local) day: look a day to either side, keep its date.
            let periods = calendar.periods(from: midnight.milliseconds - 86_400_000, to: midnight.milliseconds + 2 * 86_400_000)
            guard let p = periods.first(where: { $0.name == shift && $0.date.description == day }) else {
                throw CLIFailure.badInput("--shift: shift '\(shift)' does not run on \(day) (its days, or a day off)")
            }
            start = Timestamp(milliseconds: p.start); end = Timestamp(milliseconds: p.end)
            title = "shift \(shift) on \(day)"
        }
        if let line, !loaded.lines.contains(where: { $0.id == line }) {
            throw CLIFailure.badInput("--line: no line '\(line)' in the manifest (lines: \(loaded.lines.isEmpty ? "none" : loaded.lines.map(\.id).joined(separator: ", ")))")
        }
        guard end > start else { throw CLIFailure.badInput("the period is empty: \(start) to \(end)") }
        let report: ProductionReport
        do { report = try ProductionReport.make(plant: loaded, history: store, from: start, to: end, title: title, line: line) } catch {
            throw CLIFailure.badInput(error.description)
        }
        if let md {
            do { try report.markdown.write(toFile: md, atomically: true, encoding: .utf8) } catch {
                throw CLIFailure.badInput("\(md): cannot write (\(error.localizedDescription))")
            }
        }
        if json {
            print(JSONWriter.string(report.json, pretty: true))
        } else {
            print(report.text, terminator: "")
        }
    }
}
