using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;

namespace TriageBot.Protocol.Builder;

/// <summary>
/// In-process <see cref="IStorage"/> for tests, development and single-instance use without a database. Items are
/// kept as UTF-8 JSON, Brotli-compressed once they are no longer among the most recently written, with a number as
/// their ETag: the store's own write counter, so one store never issues an ETag twice.
/// </summary>
/// <remarks>
/// Why compressed: the store holds every conversation it has seen until they expire, and a waiting conversation's
/// state is about 1.2 KB of JSON, 0.6 KB compressed. Measured with bench/load/run.sh at 128 connections (20 s), the
/// bot's RSS grew by about 2.3 KB per stored conversation kept uncompressed (204 MB after 51,000 conversations) and by
/// about 1.3 KB compressed (197 MB after 85,000).
/// Why not at once: compressing and decompressing cost about 15 µs per turn, and a conversation in progress is read
/// and written again within moments, so most versions would be compressed only to be replaced. An item is
/// compressed when <see cref="HotWrites"/> more writes have happened since it was written and it was not written
/// again meanwhile: a conversation then costs one compression instead of one per turn and no decompression while it
/// is in progress, and at most <see cref="HotWrites"/> items are held uncompressed.
/// </remarks>
public class MemoryStorage : IExpiringStorage, IDocumentStorage
{
    private readonly Dictionary<string, Entry> _items = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>The writes not yet compressed, oldest first (a later write of the same key makes its record stale).</summary>
    private readonly Queue<(string Key, long ETag)> _recent = new();
    private long _lastETag;

    /// <summary>Creates the store; items are compressed once 4,096 later writes have happened.</summary>
    public MemoryStorage()
        : this(4096)
    {
    }

    /// <summary>Creates the store; items are compressed once <paramref name="hotWrites"/> later writes have happened (0: at once).</summary>
    public MemoryStorage(int hotWrites)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(hotWrites);
        HotWrites = hotWrites;
    }

    /// <summary>How many of the latest writes are kept uncompressed.</summary>
    public int HotWrites { get; }

    /// <summary>How many items are held compressed (for tests and diagnostics).</summary>
    public int CompressedCount
    {
        get
        {
            lock (_lock)
            {
                return _items.Values.Count(e => e.Packed);
            }
        }
    }

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

        // Entries are immutable (a write replaces them), so they are read outside the lock.
        IDictionary<string, object> result = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (key, entry) in found)
        {
            result[key] = StorageExtensions.FromStorageDocument(entry.Json(), FormatETag(entry.ETag));
        }

        return Task.FromResult(result);
    }

    /// <inheritdoc />
    public Task WriteAsync(IDictionary<string, object> changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var documents = changes.Select(c => (c.Key, Document: StorageExtensions.ToStorageUtf8(c.Value))).ToList();
        List<(string Key, long ETag, byte[] Json)>? due;
        lock (_lock)
        {
            // Check every item before changing any, so a batch is all or nothing.
            foreach (var (key, (_, eTag, _)) in documents)
            {
                CheckETag(key, eTag);
            }

            foreach (var (key, (json, _, expiresAt)) in documents)
            {
                StorageExtensions.SetNewETag(changes[key], FormatETag(Store(key, json, expiresAt)));
            }

            due = Due();
        }

        Compress(due);
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

        return Task.FromResult(found ? new StoredDocument(entry.Json(), FormatETag(entry.ETag)) : null);
    }

    /// <inheritdoc />
    public Task<string> WriteDocumentAsync(string key, ReadOnlyMemory<byte> json, string? eTag, DateTimeOffset? expiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var copy = json.ToArray();
        long newETag;
        List<(string Key, long ETag, byte[] Json)>? due;
        lock (_lock)
        {
            CheckETag(key, eTag);
            newETag = Store(key, copy, expiresAt);
            due = Due();
        }

        Compress(due);
        return Task.FromResult(FormatETag(newETag));
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

    /// <summary>Under the lock: stores an uncompressed version and remembers it among the recent writes; returns its eTag.</summary>
    private long Store(string key, byte[] json, DateTimeOffset? expiresAt)
    {
        var eTag = ++_lastETag;
        _items[key] = new Entry(json, Packed: false, eTag, expiresAt?.UtcTicks ?? long.MaxValue);
        _recent.Enqueue((key, eTag));
        return eTag;
    }

    /// <summary>Under the lock: the writes that left the recent ones and are still the stored versions.</summary>
    private List<(string Key, long ETag, byte[] Json)>? Due()
    {
        List<(string Key, long ETag, byte[] Json)>? due = null;
        while (_recent.Count > HotWrites)
        {
            var (key, eTag) = _recent.Dequeue();
            if (_items.TryGetValue(key, out var entry) && entry.ETag == eTag && !entry.Packed)
            {
                (due ??= []).Add((key, eTag, entry.Data));
            }
        }

        return due;
    }

    /// <summary>Compresses outside the lock, then swaps in each compressed version unless the item changed meanwhile.</summary>
    private void Compress(List<(string Key, long ETag, byte[] Json)>? due)
    {
        if (due is null)
        {
            return;
        }

        var packed = due.Select(d => Pack(d.Json)).ToList();
        lock (_lock)
        {
            for (var i = 0; i < due.Count; i++)
            {
                var (key, eTag, _) = due[i];
                if (_items.TryGetValue(key, out var entry) && entry.ETag == eTag)
                {
                    _items[key] = entry with { Data = packed[i], Packed = true };
                }
            }
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
            var expired = _items.Where(i => i.Value.ExpiresAtUtcTicks <= now.UtcTicks).Select(i => i.Key).ToList();
            expired.ForEach(key => _items.Remove(key));
            return Task.FromResult(expired.Count);
        }
    }

    private static string FormatETag(long eTag) => eTag.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// A stored version, kept in the dictionary's own entries (no object of its own per item): its JSON, compressed
    /// (<see cref="Packed"/>) or not, and its expiry (<see cref="long.MaxValue"/>: none). Never changed in place;
    /// readers share the uncompressed bytes.
    /// </summary>
    private readonly record struct Entry(byte[] Data, bool Packed, long ETag, long ExpiresAtUtcTicks)
    {
        public byte[] Json() => Packed ? Unpack(Data) : Data;
    }
}
