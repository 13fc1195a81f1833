import TwinJSON

extension UpdateFile.Report {
    /// One file applied, as `twin apply --json` lists it: `file`, `lines`, `applied`, `rejected`,
    /// `resumed_after_line`, `already_held`, `late`, `seconds`.
    public func json(file: String) -> JSONObject {
        ["file": .string(file), "lines": .number(Double(lines)), "applied": .number(Double(applied)),
         "rejected": .number(Double(rejectedCount)), "resumed_after_line": .number(Double(resumedAfterLine)),
         "already_held": .number(Double(alreadyHeld)), "late": .number(Double(lateUpdates)), "too_late": .number(Double(tooLate)), "seconds": .number(seconds, places: 6)]
    }
}
