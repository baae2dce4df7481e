using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;

namespace TriageBot.Protocol.Builder;

/// <summary>
/// In-process <see cref="IStorage"/> for tests, development and single-instance use without a database. Items are
/// kept as Brotli-compressed UTF-8 JSON with a number as their ETag: the store's own write counter, so one store never
/// issues an ETag twice.
/// </summary>
/// <remarks>
/// Why compressed: the store holds every conversation it has seen until they expire, and a waiting conversation's
/// state is about 1.2 KB of JSON, 0.6 KB compressed. Measured with bench/load/run.sh at 128 connections (20 s), the
/// bot's RSS grew by about 2.3 KB per stored conversation kept uncompressed (204 MB after 51,000 conversations) and by
/// about 1.3 KB compressed (197 MB after 85,000). The price is CPU: compressing at Brotli's fastest level and
/// decompressing take about 15 µs per turn (one read, one write), about a tenth of an in-memory turn.
/// </remarks>
public class MemoryStorage : IExpiringStorage, IDocumentStorage
{
    private readonly Dictionary<string, Entry> _items = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private long _lastETag;

    /// <inheritdoc />
    public Task<IDictionary<string, object>> ReadAsync(string[] keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var found = new List<(string Key, Entry Entry)>(keys.Length);
        lock (_lock)
        {
            foreach (var key in keys)
            {
                if (_items.TryGetValue(key, out var entry))
                {
                    found.Add((key, entry));
                }
            }
        }

        // Entries are immutable (a write replaces them), so they are unpacked outside the lock.
        IDictionary<string, object> result = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (key, entry) in found)
        {
            result[key] = StorageExtensions.FromStorageDocument(Unpack(entry.Packed), FormatETag(entry.ETag));
        }

        return Task.FromResult(result);
    }

    /// <inheritdoc />
    public Task WriteAsync(IDictionary<string, object> changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var documents = changes.Select(c =>
        {
            var document = StorageExtensions.ToStorageUtf8(c.Value);
            return (c.Key, Packed: Pack(document.Json), document.ETag, document.ExpiresAt);
        }).ToList();
        lock (_lock)
        {
            // Check every item before changing any, so a batch is all or nothing.
            foreach (var (key, _, eTag, _) in documents)
            {
                CheckETag(key, eTag);
            }

            foreach (var (key, packed, _, expiresAt) in documents)
            {
                var eTag = ++_lastETag;
                _items[key] = new Entry(packed, eTag, expiresAt);
                StorageExtensions.SetNewETag(changes[key], FormatETag(eTag));
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<StoredDocument?> ReadDocumentAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        Entry entry;
        bool found;
        lock (_lock)
        {
            found = _items.TryGetValue(key, out entry);
        }

        return Task.FromResult(found ? new StoredDocument(Unpack(entry.Packed), FormatETag(entry.ETag)) : null);
    }

    /// <inheritdoc />
    public Task<string> WriteDocumentAsync(string key, ReadOnlyMemory<byte> json, string? eTag, DateTimeOffset? expiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var packed = Pack(json.Span);
        lock (_lock)
        {
            CheckETag(key, eTag);
            var newETag = ++_lastETag;
            _items[key] = new Entry(packed, newETag, expiresAt);
            return Task.FromResult(FormatETag(newETag));
        }
    }

    /// <summary>Under the lock: a conditional write over another version than the stored one is a conflict (an absent item is created).</summary>
    private void CheckETag(string key, string? eTag)
    {
        if (!StorageExtensions.IsUnconditional(eTag)
            && _items.TryGetValue(key, out var existing)
            && !(long.TryParse(eTag, NumberStyles.None, CultureInfo.InvariantCulture, out var expected) && expected == existing.ETag))
        {
            throw new StorageConcurrencyException(key);
        }
    }

    /// <summary>The JSON's length (4 bytes, little-endian), then the JSON compressed with Brotli at its fastest level.</summary>
    private static byte[] Pack(ReadOnlySpan<byte> json)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(4 + BrotliEncoder.GetMaxCompressedLength(json.Length));
        try
        {
            BinaryPrimitives.WriteInt32LittleEndian(buffer, json.Length);
            if (!BrotliEncoder.TryCompress(json, buffer.AsSpan(4), out var written, quality: 1, window: 16))
            {
                throw new InvalidOperationException("Brotli could not compress a storage item.");
            }

            return buffer.AsSpan(0, 4 + written).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static byte[] Unpack(byte[] packed)
    {
        var json = new byte[BinaryPrimitives.ReadInt32LittleEndian(packed)];
        if (!BrotliDecoder.TryDecompress(packed.AsSpan(4), json, out var written) || written != json.Length)
        {
            throw new InvalidOperationException("A storage item could not be decompressed.");
        }

        return json;
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

    private static string FormatETag(long eTag) => eTag.ToString(CultureInfo.InvariantCulture);

    /// <summary>A stored item, kept in the dictionary's own entries (no object of its own per item).</summary>
    private readonly record struct Entry(byte[] Packed, long ETag, DateTimeOffset? ExpiresAt);
}
