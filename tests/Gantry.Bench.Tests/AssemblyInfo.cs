// The memory scenario reads /proc; the load scenarios start real servers and processes. Linux only, like Gantry.Tests.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
