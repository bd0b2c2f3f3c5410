// The tests start real processes and check Unix file modes; they run on Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
