using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Gantry.Tests.Infrastructure;

/// <summary>
/// Records a server's log entries of every category at <see cref="MinimumLevel"/> and above, with their level and
/// whether they carried an exception, so a test can assert how a client error was logged (Information or Warning,
/// no stack trace) and that no request was logged as a failure.
/// </summary>
public sealed class LogRecorder(LogLevel minimumLevel = LogLevel.Information) : ILoggerProvider
{
    private const int Capacity = 20_000;
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public LogLevel MinimumLevel { get; } = minimumLevel;

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    /// <summary>Entries at Error or above, or with an exception (a stack trace in the log).</summary>
    public IReadOnlyList<LogEntry> Failures => [.. _entries.Where(e => e.Level >= LogLevel.Error || e.Exception is not null)];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogRecorder recorder, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= recorder.MinimumLevel && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel) && recorder._entries.Count < Capacity)
            {
                recorder._entries.Enqueue(new LogEntry(logLevel, category, eventId.Id, formatter(state, exception), exception?.GetType().FullName));
            }
        }
    }
}

/// <summary>One log entry: level, category, event id, message, and the type of the exception it carried (if any).</summary>
public sealed record LogEntry(LogLevel Level, string Category, int EventId, string Message, string? Exception)
{
    public override string ToString() => $"{Level} {Category}[{EventId}]: {Message}{(Exception is null ? "" : " (" + Exception + ")")}";
}
