using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TriageBot.Protocol.Schema;

namespace TriageBot.Protocol.Builder;

/// <summary>
/// Key/value storage of JSON documents with optimistic concurrency.
/// Values written are serialized with <see cref="ProtocolJson.Options"/>; values read are
/// <see cref="JsonObject"/>s carrying the current <c>eTag</c> (use <see cref="StorageExtensions.ReadAsync{T}"/> for typed reads).
/// ETags: a value whose JSON has no <c>eTag</c>, or <c>"*"</c>, is written unconditionally; any other eTag must
/// equal the stored one or the whole write fails with <see cref="StorageConcurrencyException"/>.
/// A top-level <c>expiresAt</c> (ISO 8601) lets <see cref="IExpiringStorage.PurgeExpiredAsync"/> remove the item later.
/// </summary>
public interface IStorage
{
    /// <summary>Reads items; missing keys are absent from the result.</summary>
    Task<IDictionary<string, object>> ReadAsync(string[] keys, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes items atomically (all or none). On success the new eTag is set on values that are
    /// <see cref="IStoreItem"/>s or <see cref="JsonObject"/>s.
    /// </summary>
    Task WriteAsync(IDictionary<string, object> changes, CancellationToken cancellationToken = default);

    /// <summary>Deletes items; missing keys are ignored.</summary>
    Task DeleteAsync(string[] keys, CancellationToken cancellationToken = default);
}

/// <summary>
/// A storage that also reads and writes one item as the JSON document it keeps (UTF-8, a JSON object without its
/// <c>eTag</c>), for callers that work on the JSON themselves: <see cref="BotState"/> loads and saves one item on every
/// turn, and with this it needs no JSON DOM in between. It is the same item as through <see cref="IStorage"/>: a
/// document written here reads back there as a <see cref="JsonObject"/>, and the other way round.
/// </summary>
public interface IDocumentStorage : IStorage
{
    /// <summary>The item's stored document and its current eTag; null when the key is absent.</summary>
    Task<StoredDocument?> ReadDocumentAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes one item's document (a JSON object without <c>eTag</c>; the storage copies it before the returned task
    /// completes) under the ETag rules of <see cref="IStorage.WriteAsync"/>: <paramref name="eTag"/> null or <c>"*"</c>
    /// writes unconditionally, <see cref="StorageExtensions.IfAbsentETag"/> only when the key is absent, any other only
    /// over that version (or when the item is gone), else <see cref="StorageConcurrencyException"/>. Returns the new eTag.
    /// </summary>
    Task<string> WriteDocumentAsync(string key, ReadOnlyMemory<byte> json, string? eTag, DateTimeOffset? expiresAt, CancellationToken cancellationToken = default);
}

/// <summary>An item's stored JSON document (UTF-8, without <c>eTag</c>) and its current eTag.</summary>
public sealed record StoredDocument(ReadOnlyMemory<byte> Json, string ETag);

/// <summary>A storage that can delete items whose <c>expiresAt</c> has passed.</summary>
public interface IExpiringStorage : IStorage
{
    /// <summary>Deletes items that expired at or before <paramref name="now"/>; returns how many.</summary>
    Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default);
}

/// <summary>An item with an ETag for optimistic concurrency (serialized as <c>eTag</c>).</summary>
public interface IStoreItem
{
    /// <summary>The ETag read with the item; <c>"*"</c> or null writes unconditionally.</summary>
    string? ETag { get; set; }
}

/// <summary>Thrown when a write's ETag does not match the stored item's (someone else wrote first).</summary>
public class StorageConcurrencyException : Exception
{
    /// <summary>Creates the exception for <paramref name="key"/>.</summary>
    public StorageConcurrencyException(string key)
        : base($"ETag conflict writing storage key '{key}': the item was changed by another writer.")
    {
        Key = key;
    }

    /// <summary>The key whose write conflicted.</summary>
    public string Key { get; }
}

/// <summary>Helpers shared by storage implementations and callers.</summary>
public static class StorageExtensions
{
    /// <summary>Name of the ETag field in stored JSON.</summary>
    public const string ETagProperty = "eTag";

    /// <summary>Name of the optional expiry field in stored JSON.</summary>
    public const string ExpiresAtProperty = "expiresAt";

    /// <summary>
    /// An ETag no stored item ever has (storages issue hex digits): a value written with it is created when its key is
    /// absent, and refused with <see cref="StorageConcurrencyException"/> when someone created it meanwhile.
    /// </summary>
    public const string IfAbsentETag = "if-absent";

    /// <summary>Reads items as <typeparamref name="T"/> (System.Text.Json, <see cref="ProtocolJson.Options"/>).</summary>
    public static async Task<IDictionary<string, T>> ReadAsync<T>(this IStorage storage, string[] keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(storage);
        var items = await storage.ReadAsync(keys, cancellationToken).ConfigureAwait(false);
        var result = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var (key, value) in items)
        {
            result[key] = value is T typed ? typed
                : JsonSerializer.SerializeToElement(value, ProtocolJson.Options).Deserialize<T>(ProtocolJson.Options)!;
        }

        return result;
    }

    /// <summary>
    /// Serializes a value to be written, as the JSON text storages keep, and extracts its eTag and expiry: written in
    /// one pass from the value, leaving out its <c>eTag</c> (the storage keeps it beside the document).
    /// </summary>
    public static (string Json, string? ETag, DateTimeOffset? ExpiresAt) ToStorageJson(object value)
    {
        var (utf8, eTag, expiresAt) = ToStorageUtf8(value);
        return (Encoding.UTF8.GetString(utf8), eTag, expiresAt);
    }

    /// <summary><see cref="ToStorageJson"/> as UTF-8 bytes (half the memory of a string for a store that keeps them).</summary>
    public static (byte[] Json, string? ETag, DateTimeOffset? ExpiresAt) ToStorageUtf8(object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var node = value as JsonNode ?? JsonSerializer.SerializeToNode(value, value.GetType(), ProtocolJson.Options);
        if (node is not JsonObject source)
        {
            throw new ArgumentException("Storage values must serialize to a JSON object.", nameof(value));
        }

        var eTag = source[ETagProperty]?.GetValue<string>();
        DateTimeOffset? expiresAt = source[ExpiresAtProperty] is JsonValue expiry && expiry.TryGetValue<DateTimeOffset>(out var at) ? at : null;
        using var buffer = new RentedBufferWriter();
        using (var writer = new Utf8JsonWriter(buffer, ProtocolJson.WriterOptions))
        {
            writer.WriteStartObject();
            foreach (var (name, item) in source)
            {
                if (name == ETagProperty)
                {
                    continue;
                }

                writer.WritePropertyName(name);
                if (item is null)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    item.WriteTo(writer, ProtocolJson.Options);
                }
            }

            writer.WriteEndObject();
        }

        return (buffer.WrittenMemory.ToArray(), eTag, expiresAt);
    }

    /// <summary>
    /// A new ETag: 128 random bits as 32 lower-case hex digits (the form of a GUID's "N" format), from
    /// <see cref="Random.Shared"/>, which each thread seeds from the operating system. An ETag has to be unique, not
    /// unpredictable, and <see cref="Guid.NewGuid"/> asks the kernel for random bytes on every call.
    /// </summary>
    public static string NewETag()
    {
        Span<byte> bits = stackalloc byte[16];
        Random.Shared.NextBytes(bits);
        return Convert.ToHexStringLower(bits);
    }

    /// <summary>True when <paramref name="eTag"/> means "write unconditionally".</summary>
    public static bool IsUnconditional(string? eTag) => string.IsNullOrEmpty(eTag) || eTag == "*";

    /// <summary>
    /// After a successful write, gives the caller's value its new eTag (an <see cref="IStoreItem"/> or a
    /// <see cref="JsonObject"/>) so a second write in the same turn is not refused as a conflict.
    /// </summary>
    public static void SetNewETag(object value, string eTag)
    {
        switch (value)
        {
            case IStoreItem item:
                item.ETag = eTag;
                break;
            case JsonObject json:
                json[ETagProperty] = eTag;
                break;
        }
    }

    /// <summary>Rebuilds what <see cref="IStorage.ReadAsync"/> returns from stored JSON and the current eTag.</summary>
    public static JsonObject FromStorageDocument(byte[] json, string eTag)
    {
        var node = JsonNode.Parse(json)?.AsObject() ?? [];
        node[ETagProperty] = eTag;
        return node;
    }

    /// <summary>Rebuilds what <see cref="IStorage.ReadAsync"/> returns from stored JSON and the current eTag.</summary>
    public static JsonObject FromStorageDocument(string json, string eTag)
    {
        var node = JsonNode.Parse(json)?.AsObject() ?? [];
        node[ETagProperty] = eTag;
        return node;
    }
}
