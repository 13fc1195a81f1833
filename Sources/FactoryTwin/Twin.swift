import TwinLayout
