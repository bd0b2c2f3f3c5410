using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Gantry.Tests.Infrastructure;

/// <summary>
/// Keeps a server's recent log lines in memory, so a test that times out can say what the server did; with a
/// <c>file</c>, also writes every line there, so a long test (the soak) keeps the whole story of a job that went wrong.
/// </summary>
public sealed class TestLog : ILoggerProvider
{
    private const int Capacity = 400;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly Lock _fileGate = new();
    private readonly StreamWriter? _file;
    private bool _closed;

    public TestLog(string? file = null)
    {
        if (file is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
            // Each line reaches the file at once: a run killed as hung keeps the story up to its last line.
            _file = new StreamWriter(file, append: false) { AutoFlush = true };
            FilePath = file;
        }
    }

    /// <summary>Where every line goes, when a file was given.</summary>
    public string? FilePath { get; }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>The last lines, oldest first.</summary>
    public string Tail(int count = 60) => string.Join('\n', _lines.TakeLast(count));

    /// <summary>Every line of the file that mentions one of <paramref name="needles"/> (at most <paramref name="max"/>, the last ones); the tail without a file.</summary>
    public string Mentioning(IEnumerable<string> needles, int max = 200)
    {
        if (FilePath is null)
        {
            return Tail();
        }

        lock (_fileGate)
        {
            if (!_closed)
            {
                _file!.Flush();
            }
        }

        var wanted = needles.ToList();
        var lines = File.ReadLines(FilePath).Where(line => wanted.Exists(n => line.Contains(n, StringComparison.Ordinal))).ToList();
        return $"(all lines: {FilePath})\n" + string.Join('\n', lines.TakeLast(max));
    }

    public void Dispose()
    {
        lock (_fileGate)
        {
            _closed = true;
            _file?.Dispose();
        }
    }

    private void Add(string line)
    {
        _lines.Enqueue(line);
        while (_lines.Count > Capacity && _lines.TryDequeue(out _))
        {
        }

        if (_file is not null)
        {
            lock (_fileGate)
            {
                if (!_closed)
                {
                    _file.WriteLine(line);
                }
            }
        }
    }

    private sealed class Logger(TestLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug && category.StartsWith("Gantry", StringComparison.Ordinal);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                log.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : " " + exception)}");
            }
        }
    }
}
