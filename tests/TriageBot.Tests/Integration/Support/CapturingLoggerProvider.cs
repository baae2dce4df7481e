using Microsoft.Extensions.Logging;

namespace TriageBot.Tests.Integration.Support;

/// <summary>Keeps every log entry the app writes, with its structured values, for assertions.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly List<LogEntry> _entries = [];

    public IReadOnlyList<LogEntry> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>Forgets the entries so far (a fixture shared by several tests clears them before each).</summary>
    public void Clear()
    {
        lock (_entries)
        {
            _entries.Clear();
        }
    }

    // The host disposes its providers when the factory is disposed; the entries stay readable.
    public void Dispose()
    {
    }

    private void Add(LogEntry entry)
    {
        lock (_entries)
        {
            _entries.Add(entry);
        }
    }

    private sealed class Logger(CapturingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var (key, value) in state as IReadOnlyList<KeyValuePair<string, object?>> ?? [])
            {
                values.TryAdd(key, value);
            }

            provider.Add(new LogEntry(category, logLevel, formatter(state, exception), exception, values));
        }
    }
}

/// <summary>One log call: category, level, rendered message, exception and the message template's values.</summary>
internal sealed record LogEntry(string Category, LogLevel Level, string Message, Exception? Exception, IReadOnlyDictionary<string, object?> Values)
{
    /// <summary>True when the entry names the conversation as a structured value (not only in free text).</summary>
    public bool IsAboutConversation(string conversationId) =>
        Values.TryGetValue("ConversationId", out var id) && Equals(id, conversationId);
}
