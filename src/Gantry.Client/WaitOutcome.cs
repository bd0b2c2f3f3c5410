namespace Gantry.Client;

/// <summary>The end of a bounded wait: the job's report, and whether the wait ran out before the job was done.</summary>
public sealed record WaitOutcome(JobReport Report, bool TimedOut);
