using System.Text;
using System.Text.Json.Nodes;
using TriageBot.Protocol.Builder;

namespace TriageBot.Protocol.Tests.Builder;

/// <summary>
/// The storage contract, document-path cases included, on <see cref="DocumentStorageAdapter"/> over a
/// <see cref="MemoryStorage"/> seen through <see cref="IStorage"/> only: what BotState does with such a storage.
/// </summary>
public sealed class DocumentStorageAdapterTests : StorageContractTests
{
    protected override IExpiringStorage CreateStorage() => new ObjectOnlyStorage(new MemoryStorage());

    protected override IDocumentStorage AsDocumentStorage(IExpiringStorage storage)
    {
        Assert.False(storage is IDocumentStorage);
        return Assert.IsType<DocumentStorageAdapter>(DocumentStorageAdapter.For(storage));
    }

    [Fact]
    public void For_StorageWithTheDocumentPath_IsTheStorageItself()
    {
        var storage = new MemoryStorage();

        Assert.Same(storage, DocumentStorageAdapter.For(storage));
    }

    [Fact]
    public async Task WriteDocumentAsync_DocumentWithItsOwnExpiry_KeepsItWhenNoneIsGiven()
    {
        var inner = new MemoryStorage();
        var documents = DocumentStorageAdapter.For(new ObjectOnlyStorage(inner));
        var now = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

        await documents.WriteDocumentAsync("a", """{"expiresAt":"2026-03-01T11:00:00+00:00","n":1}"""u8.ToArray(), null, null);

        Assert.Equal(1, await inner.PurgeExpiredAsync(now));
    }

    [Fact]
    public async Task StorageThatReportsNoETags_ReadsAndWritesUnconditionally()
    {
        var documents = DocumentStorageAdapter.For(new NoETagStorage());

        var written = await documents.WriteDocumentAsync("a", """{"n":1}"""u8.ToArray(), null, null);
        var read = await documents.ReadDocumentAsync("a");

        Assert.Equal("*", written);
        Assert.Equal(("""{"n":1}""", "*"), (Encoding.UTF8.GetString(read!.Json.Span), read.ETag));
    }

    /// <summary>A storage with <see cref="IStorage"/> (and expiry) only.</summary>
    private sealed class ObjectOnlyStorage(MemoryStorage inner) : IExpiringStorage
    {
        public Task<IDictionary<string, object>> ReadAsync(string[] keys, CancellationToken cancellationToken = default) => inner.ReadAsync(keys, cancellationToken);

        public Task WriteAsync(IDictionary<string, object> changes, CancellationToken cancellationToken = default) => inner.WriteAsync(changes, cancellationToken);

        public Task DeleteAsync(string[] keys, CancellationToken cancellationToken = default) => inner.DeleteAsync(keys, cancellationToken);

        public Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default) => inner.PurgeExpiredAsync(now, cancellationToken);
    }

    /// <summary>Keeps each item's JSON without its eTag: reads report none, and a written value is given no new one.</summary>
    private sealed class NoETagStorage : IStorage
    {
        private readonly Dictionary<string, string> _items = [];

        public Task<IDictionary<string, object>> ReadAsync(string[] keys, CancellationToken cancellationToken = default) =>
            Task.FromResult<IDictionary<string, object>>(keys.Where(_items.ContainsKey).ToDictionary(k => k, k => (object)JsonNode.Parse(_items[k])!.AsObject()));

        public Task WriteAsync(IDictionary<string, object> changes, CancellationToken cancellationToken = default)
        {
            foreach (var (key, value) in changes)
            {
                var json = (JsonObject)((JsonObject)value).DeepClone();
                json.Remove(StorageExtensions.ETagProperty);
                _items[key] = json.ToJsonString();
            }

            return Task.CompletedTask;
        }

        public Task DeleteAsync(string[] keys, CancellationToken cancellationToken = default)
        {
            Array.ForEach(keys, k => _items.Remove(k));
            return Task.CompletedTask;
        }
    }
}
