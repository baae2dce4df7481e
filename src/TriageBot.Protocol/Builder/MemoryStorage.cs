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
/// <para>
/// The store holds every conversation it has seen until it expires, so its size per item is the bot's memory per
/// conversation. Items are compressed with Brotli, each against a dictionary: the first item compressed among the keys
/// of its family (the key up to its last <c>/</c>: every conversation's state of a channel, every ticket) is kept,
/// and the later items of the family are compressed as its continuation. Items of one family share most of their
/// JSON (the same properties, the same dialog names), so a waiting conversation's 1.2 KB of state takes about 240
/// bytes instead of 630 compressed alone.
/// </para>
/// <para>
/// Compressing that way costs about 25 µs, and a conversation in progress is read and written again within moments,
/// so an item is compressed only once <see cref="HotWrites"/> more writes have happened since it was written and it
/// was not written again meanwhile: a conversation costs one compression rather than one per turn, and none is
/// decompressed while it is in progress. The most recent items are kept uncompressed in buffers the store reuses
/// (garbage that lived that long would stay in the GC's oldest generation); readers get a copy.
/// </para>
/// </remarks>
public class MemoryStorage : IExpiringStorage, IDocumentStorage
{
    private const int Quality = 3;
    private const int Window = 16;

    /// <summary>At most this many families get a dictionary of their own; the items of any other are compressed alone.</summary>
    private const int MaxDictionaries = 64;

    private readonly Dictionary<string, Entry> _items = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>The writes not yet compressed, oldest first (a later write of the same key makes its record stale).</summary>
    private readonly Queue<(string Key, long ETag)> _recent = new();

    /// <summary>Buffers of the uncompressed items, given back when an item is compressed, replaced or removed.</summary>
    private readonly ArrayPool<byte> _buffers;

    /// <summary>The dictionary of each key family, fixed once chosen (items compressed against it need it to be read).</summary>
    private readonly Dictionary<string, BrotliDictionary> _dictionaries = new(StringComparer.Ordinal);
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
        _buffers = ArrayPool<byte>.Create(MaxPooledLength, Math.Max(hotWrites, 1) + 16);
    }

    /// <summary>Items longer than this are kept in buffers of their own, not reused ones.</summary>
    private const int MaxPooledLength = 64 * 1024;

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

    /// <summary>How many bytes the compressed items take (for tests and diagnostics).</summary>
    public long CompressedBytes
    {
        get
        {
            lock (_lock)
            {
                return _items.Values.Where(e => e.Packed).Sum(e => (long)e.Data.Length);
            }
        }
    }

    /// <inheritdoc />
    public Task<IDictionary<string, object>> ReadAsync(string[] keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        IDictionary<string, object> result = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            if (Find(key) is var (json, eTag))
            {
                result[key] = StorageExtensions.FromStorageDocument(json, FormatETag(eTag));
            }
        }

        return Task.FromResult(result);
    }

    /// <inheritdoc />
    public Task<StoredDocument?> ReadDocumentAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Task.FromResult(Find(key) is var (json, eTag) ? new StoredDocument(json, FormatETag(eTag)) : null);
    }

    /// <summary>The item's JSON (a copy of its own) and eTag, or null.</summary>
    private (byte[] Json, long ETag)? Find(string key)
    {
        Entry entry;
        BrotliDictionary? dictionary = null;
        lock (_lock)
        {
            if (!_items.TryGetValue(key, out entry))
            {
                return null;
            }

            if (!entry.Packed)
            {
                // The buffer goes back to the pool when the item changes: copied while no write can.
                return (entry.Data.AsSpan(0, entry.Length).ToArray(), entry.ETag);
            }

            if (entry.Dictionary)
            {
                // Looked up by the key's family as a span: no substring per read.
                dictionary = _dictionaries.GetAlternateLookup<ReadOnlySpan<char>>()[FamilySpan(key)];
            }
        }

        // Compressed data is never changed or reused: decompressed outside the lock.
        return (Unpack(entry.Data, entry.Length, dictionary), entry.ETag);
    }

    /// <inheritdoc />
    public Task WriteAsync(IDictionary<string, object> changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var items = changes.Select(c => (c.Key, Document: StorageExtensions.ToStorageUtf8(c.Value))).ToList();
        // Copied into pooled buffers only once every item serialized, so a serializer exception leaks none.
        var newETags = Write(items.Select(i => new PendingWrite(i.Key, Copy(i.Document.Json), i.Document.Json.Length, i.Document.ETag, i.Document.ExpiresAt)).ToArray());
        for (var i = 0; i < items.Count; i++)
        {
            StorageExtensions.SetNewETag(changes[items[i].Key], FormatETag(newETags[i]));
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<string> WriteDocumentAsync(string key, ReadOnlyMemory<byte> json, string? eTag, DateTimeOffset? expiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Task.FromResult(FormatETag(Write([new PendingWrite(key, Copy(json.Span), json.Length, eTag, expiresAt)])[0]));
    }

    /// <summary>An item to store: its JSON in a pooled buffer (the first <see cref="Length"/> bytes), and the eTag it was read with.</summary>
    private readonly record struct PendingWrite(string Key, byte[] Buffer, int Length, string? ETag, DateTimeOffset? ExpiresAt);

    /// <summary>
    /// Stores the items, all or none (every eTag is checked before any item changes; on a conflict the buffers go back to
    /// the pool), then compresses what became due outside the lock. Returns the new eTags in the items' order.
    /// </summary>
    private long[] Write(PendingWrite[] items)
    {
        var newETags = new long[items.Length];
        List<Due>? due;
        lock (_lock)
        {
            foreach (var item in items)
            {
                if (Conflicts(item.Key, item.ETag))
                {
                    Array.ForEach(items, i => ReturnBuffer(i.Buffer));
                    throw new StorageConcurrencyException(item.Key);
                }
            }

            for (var i = 0; i < items.Length; i++)
            {
                newETags[i] = Store(items[i].Key, items[i].Buffer, items[i].Length, items[i].ExpiresAt);
            }

            due = TakeDue();
        }

        Compress(due);
        return newETags;
    }

    /// <inheritdoc />
    public Task DeleteAsync(string[] keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        lock (_lock)
        {
            foreach (var key in keys)
            {
                if (_items.Remove(key, out var removed))
                {
                    Release(removed);
                }
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
            foreach (var key in expired)
            {
                _items.Remove(key, out var removed);
                Release(removed);
            }

            return Task.FromResult(expired.Count);
        }
    }

    /// <summary>Under the lock: a conditional write over another version than the stored one is a conflict (an absent item is created).</summary>
    private bool Conflicts(string key, string? eTag) =>
        !StorageExtensions.IsUnconditional(eTag)
        && _items.TryGetValue(key, out var existing)
        && !(long.TryParse(eTag, NumberStyles.None, CultureInfo.InvariantCulture, out var expected) && expected == existing.ETag);

    /// <summary>Under the lock: stores an uncompressed version and remembers it among the recent writes; returns its eTag.</summary>
    private long Store(string key, byte[] buffer, int length, DateTimeOffset? expiresAt)
    {
        var eTag = ++_lastETag;
        if (_items.TryGetValue(key, out var previous))
        {
            Release(previous);
        }

        _items[key] = new Entry(buffer, length, Packed: false, Dictionary: false, eTag, expiresAt?.UtcTicks ?? long.MaxValue);
        _recent.Enqueue((key, eTag));
        return eTag;
    }

    /// <summary>Under the lock: the writes that left the recent ones and are still the stored, uncompressed versions.</summary>
    private List<Due>? TakeDue()
    {
        List<Due>? due = null;
        while (_recent.Count > HotWrites)
        {
            var (key, eTag) = _recent.Dequeue();
            if (_items.TryGetValue(key, out var entry) && entry.ETag == eTag && !entry.Packed)
            {
                // Looked up by the key's family as a span; the family's string is made only for a new dictionary.
                if (!_dictionaries.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(FamilySpan(key), out var dictionary) && _dictionaries.Count < MaxDictionaries)
                {
                    // The family's first item compressed becomes its dictionary.
                    _dictionaries[Family(key)] = dictionary = new BrotliDictionary(entry.Data.AsSpan(0, entry.Length).ToArray());
                }

                (due ??= []).Add(new Due(key, entry, dictionary));
            }
        }

        return due;
    }

    /// <summary>
    /// Compresses outside the lock, then swaps in each compressed version unless the item changed meanwhile. Its buffer
    /// is read without the lock: it is given back only when the item changes, and then the result is thrown away.
    /// </summary>
    private void Compress(List<Due>? due)
    {
        if (due is null)
        {
            return;
        }

        var packed = due.Select(d => d.Dictionary?.Compress(d.Entry.Data.AsSpan(0, d.Entry.Length)) ?? Pack(d.Entry.Data.AsSpan(0, d.Entry.Length))).ToList();
        lock (_lock)
        {
            for (var i = 0; i < due.Count; i++)
            {
                var (key, entry, dictionary) = due[i];
                if (_items.TryGetValue(key, out var current) && current.ETag == entry.ETag && !current.Packed)
                {
                    _items[key] = current with { Data = packed[i].Data, Packed = true, Dictionary = packed[i].Dictionary };
                    ReturnBuffer(current.Data);
                }
            }
        }
    }

    /// <summary>Under the lock: gives back the buffer of a version that is no longer stored.</summary>
    private void Release(Entry entry)
    {
        if (!entry.Packed)
        {
            ReturnBuffer(entry.Data);
        }
    }

    private byte[] Copy(ReadOnlySpan<byte> json)
    {
        var buffer = json.Length <= MaxPooledLength ? _buffers.Rent(json.Length) : new byte[json.Length];
        json.CopyTo(buffer);
        return buffer;
    }

    private void ReturnBuffer(byte[] buffer)
    {
        if (buffer.Length <= MaxPooledLength)
        {
            _buffers.Return(buffer);
        }
    }

    /// <summary>The key up to its last '/': every conversation's state of a channel, every ticket, every user.</summary>
    private static string Family(string key) => FamilySpan(key).ToString();

    private static ReadOnlySpan<char> FamilySpan(string key) => key.AsSpan(0, key.LastIndexOf('/') + 1);

    /// <summary>An item compressed alone: Brotli at its fastest level.</summary>
    private static (byte[] Data, bool Dictionary) Pack(ReadOnlySpan<byte> json)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BrotliEncoder.GetMaxCompressedLength(json.Length));
        try
        {
            if (!BrotliEncoder.TryCompress(json, buffer, out var written, quality: 1, window: Window))
            {
                throw new InvalidOperationException("Brotli could not compress a storage item.");
            }

            return (buffer.AsSpan(0, written).ToArray(), false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static byte[] Unpack(byte[] packed, int length, BrotliDictionary? dictionary)
    {
        if (dictionary is not null)
        {
            return dictionary.Decompress(packed, length);
        }

        var json = new byte[length];
        if (!BrotliDecoder.TryDecompress(packed, json, out var written) || written != length)
        {
            throw new InvalidOperationException("A storage item could not be decompressed.");
        }

        return json;
    }

    private static string FormatETag(long eTag) => eTag.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// A stored version, kept in the dictionary's own entries (no object of its own per item): its JSON in a reused
    /// buffer (the first <see cref="Length"/> bytes), or compressed (<see cref="Packed"/>; against its family's
    /// dictionary when <see cref="Dictionary"/>) with <see cref="Length"/> the JSON's length; and its expiry
    /// (<see cref="long.MaxValue"/>: none). Never changed in place.
    /// </summary>
    private readonly record struct Entry(byte[] Data, int Length, bool Packed, bool Dictionary, long ETag, long ExpiresAtUtcTicks);

    private readonly record struct Due(string Key, Entry Entry, BrotliDictionary? Dictionary);

    /// <summary>
    /// Brotli with a preset dictionary, which .NET's Brotli API does not offer: the dictionary is compressed first
    /// and flushed (Brotli's output is then byte-aligned), and the item follows in the same stream, so it can refer
    /// back into the dictionary. That first part of the output is the same for every item (the encoder is
    /// deterministic) and is kept once; an item keeps only what follows. To read it, the decoder is given the kept
    /// first part, then the item's part, and the dictionary's bytes are skipped in its output.
    /// </summary>
    private sealed class BrotliDictionary
    {
        private readonly byte[] _text;
        private readonly byte[] _prefix;

        public BrotliDictionary(byte[] text)
        {
            _text = text;
            var buffer = new byte[BrotliEncoder.GetMaxCompressedLength(text.Length) + 64];
            var encoder = new BrotliEncoder(Quality, Window);
            try
            {
                _prefix = buffer.AsSpan(0, CompressPrefix(ref encoder, buffer)).ToArray();
            }
            finally
            {
                encoder.Dispose();
            }
        }

        /// <summary>The item's part of the stream; compressed alone if the dictionary's part came out differently (it should not).</summary>
        public (byte[] Data, bool Dictionary) Compress(ReadOnlySpan<byte> json)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(_prefix.Length + BrotliEncoder.GetMaxCompressedLength(json.Length) + 64);
            // Not a using variable: the encoder and decoder are structs, and a readonly copy would start a stream of its own.
            var encoder = new BrotliEncoder(Quality, Window);
            try
            {
                var prefix = CompressPrefix(ref encoder, buffer);
                if (!buffer.AsSpan(0, prefix).SequenceEqual(_prefix)
                    || encoder.Compress(json, buffer.AsSpan(prefix), out _, out var written, isFinalBlock: true) != OperationStatus.Done)
                {
                    return Pack(json);
                }

                return (buffer.AsSpan(prefix, written).ToArray(), true);
            }
            finally
            {
                encoder.Dispose();
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        public byte[] Decompress(byte[] packed, int length)
        {
            // The dictionary's own text comes out first: it goes into a pooled buffer, the item into the one array returned.
            var prefixOut = ArrayPool<byte>.Shared.Rent(_text.Length);
            var json = new byte[length];
            var decoder = new BrotliDecoder();
            try
            {
                var status = decoder.Decompress(_prefix, prefixOut.AsSpan(0, _text.Length), out var consumed, out var first);
                if (status != OperationStatus.NeedMoreData || consumed != _prefix.Length || first != _text.Length
                    || decoder.Decompress(packed, json, out consumed, out var rest) != OperationStatus.Done
                    || consumed != packed.Length || rest != length)
                {
                    throw new InvalidOperationException("A storage item could not be decompressed.");
                }
            }
            finally
            {
                decoder.Dispose();
                ArrayPool<byte>.Shared.Return(prefixOut);
            }

            return json;
        }

        private int CompressPrefix(ref BrotliEncoder encoder, byte[] buffer)
        {
            if (encoder.Compress(_text, buffer, out _, out var written, isFinalBlock: false) != OperationStatus.Done
                || encoder.Flush(buffer.AsSpan(written), out var flushed) != OperationStatus.Done)
            {
                throw new InvalidOperationException("Brotli could not compress a storage dictionary.");
            }

            return written + flushed;
        }
    }
}
