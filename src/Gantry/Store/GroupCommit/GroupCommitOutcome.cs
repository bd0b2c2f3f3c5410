namespace Gantry.Store.GroupCommit;

/// <summary>What one item of a committed batch came to: its result, or an error that concerns it alone.</summary>
public readonly struct GroupCommitOutcome<TResult>
{
    private GroupCommitOutcome(TResult? value, Exception? error)
    {
        Value = value;
        Error = error;
    }

    public TResult? Value { get; }

    /// <summary>An error for this item only (e.g. a duplicate id); the rest of the batch was still committed.</summary>
    public Exception? Error { get; }

    public static GroupCommitOutcome<TResult> Success(TResult value) => new(value, null);

    public static GroupCommitOutcome<TResult> Failure(Exception error) => new(default, error);
}
