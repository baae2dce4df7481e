using TriageBot.Protocol.Schema;

namespace TriageBot.Protocol.Builder;

/// <summary>In-process <see cref="IStorage"/> for tests and development; items are kept as UTF-8 JSON.</summary>
public class MemoryStorage : IExpiringStorage
{
    private readonly Dictionary<string, Entry> _items = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <inheritdoc />
    public Task<IDictionary<string, object>> ReadAsync(string[] keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        IDictionary<string, object> result = new Dictionary<string, object>(StringComparer.Ordinal);
        lock (_lock)
        {
            foreach (var key in keys)
            {
                if (_items.TryGetValue(key, out var entry))
                {
                    result[key] = StorageExtensions.FromStorageDocument(entry.Json, entry.ETag);
                }
            }
        }

        return Task.FromResult(result);
    }

    /// <inheritdoc />
    public Task WriteAsync(IDictionary<string, object> changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var documents = changes.Select(c => (c.Key, Document: StorageExtensions.ToStorageUtf8(c.Value))).ToList();
        lock (_lock)
        {
            // Check every item before changing any, so a batch is all or nothing.
            foreach (var (key, document) in documents)
            {
                if (!StorageExtensions.IsUnconditional(document.ETag)
                    && _items.TryGetValue(key, out var existing)
                    && existing.ETag != document.ETag)
                {
                    throw new StorageConcurrencyException(key);
                }
            }

            foreach (var (key, document) in documents)
            {
                var eTag = NewETag();
                _items[key] = new Entry(document.Json, eTag, document.ExpiresAt);
                StorageExtensions.SetNewETag(changes[key], eTag);
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task DeleteAsync(string[] keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        lock (_lock)
        {
            foreach (var key in keys)
            {
                _items.Remove(key);
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var expired = _items.Where(i => i.Value.ExpiresAt <= now).Select(i => i.Key).ToList();
            expired.ForEach(key => _items.Remove(key));
            return Task.FromResult(expired.Count);
        }
    }

    private static string NewETag() => Guid.NewGuid().ToString("N");

    private sealed record Entry(byte[] Json, string ETag, DateTimeOffset? ExpiresAt);
}
