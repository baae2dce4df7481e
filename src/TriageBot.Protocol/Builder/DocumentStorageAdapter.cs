using System.Text.Json.Nodes;

namespace TriageBot.Protocol.Builder;

/// <summary>
/// The document path (<see cref="IDocumentStorage"/>) over a storage that offers <see cref="IStorage"/> only, so
/// <see cref="BotState"/> has one way to load and save. Every storage of the project has the document path itself; this
/// serves storages that do not (test wrappers, a storage of someone else's), at the cost of a JSON DOM per call.
/// </summary>
/// <remarks>
/// An item is the same either way: its document is its JSON without <c>eTag</c>, as <see cref="StorageExtensions.ToStorageUtf8"/>
/// writes it. A storage that reports no eTag reads as <c>"*"</c> (unconditional), as a missing eTag would be written.
/// </remarks>
internal sealed class DocumentStorageAdapter(IStorage storage) : IDocumentStorage
{
    /// <summary>The storage itself when it has the document path, else the adapter over it.</summary>
    public static IDocumentStorage For(IStorage storage) =>
        storage as IDocumentStorage ?? new DocumentStorageAdapter(storage ?? throw new ArgumentNullException(nameof(storage)));

    /// <inheritdoc />
    public async Task<StoredDocument?> ReadDocumentAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var items = await storage.ReadAsync([key], cancellationToken).ConfigureAwait(false);
        if (!items.TryGetValue(key, out var item))
        {
            return null;
        }

        var (json, eTag, _) = StorageExtensions.ToStorageUtf8(item);
        return new StoredDocument(json, eTag ?? "*");
    }

    /// <inheritdoc />
    public async Task<string> WriteDocumentAsync(string key, ReadOnlyMemory<byte> json, string? eTag, DateTimeOffset? expiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        // Parsed before anything is awaited: the caller's buffer is only lent until the returned task completes.
        var document = JsonNode.Parse(json.Span) as JsonObject ?? throw new ArgumentException("A storage document must be a JSON object.", nameof(json));
        if (expiresAt is { } at)
        {
            // IStorage finds an item's expiry in its top-level expiresAt.
            document[StorageExtensions.ExpiresAtProperty] = at;
        }

        document[StorageExtensions.ETagProperty] = eTag;
        await storage.WriteAsync(new Dictionary<string, object> { [key] = document }, cancellationToken).ConfigureAwait(false);
        return document[StorageExtensions.ETagProperty]?.GetValue<string>() ?? "*";
    }

    /// <inheritdoc />
    public Task<IDictionary<string, object>> ReadAsync(string[] keys, CancellationToken cancellationToken = default) => storage.ReadAsync(keys, cancellationToken);

    /// <inheritdoc />
    public Task WriteAsync(IDictionary<string, object> changes, CancellationToken cancellationToken = default) => storage.WriteAsync(changes, cancellationToken);

    /// <inheritdoc />
    public Task DeleteAsync(string[] keys, CancellationToken cancellationToken = default) => storage.DeleteAsync(keys, cancellationToken);
}
