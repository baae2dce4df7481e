using System.Text.Json.Nodes;
using TriageBot.Protocol.Builder;

namespace TriageBot.Protocol.Tests.Builder;

/// <summary>
/// The one contract every <see cref="IStorage"/> must meet. Derive, implement <see cref="CreateStorage"/>,
/// and the cases run against that storage (MemoryStorage here, SqliteStorage in TriageBot.Storage.Tests).
/// </summary>
public abstract class StorageContractTests
{
    protected abstract IExpiringStorage CreateStorage();

    [Fact]
    public async Task ReadAsync_MissingKey_ReturnsNoEntry()
    {
        var storage = CreateStorage();

        var items = await storage.ReadAsync(["nope"]);

        Assert.Empty(items);
    }

    [Fact]
    public async Task WriteAsync_NewItem_ReadReturnsValueAndETag()
    {
        var storage = CreateStorage();

        await storage.WriteAsync(new Dictionary<string, object> { ["a"] = new Note { Text = "hello", Count = 3 } });
        var items = await storage.ReadAsync<Note>(["a", "b"]);

        var note = Assert.Single(items).Value;
        Assert.Equal(("hello", 3), (note.Text, note.Count));
        Assert.False(string.IsNullOrEmpty(note.ETag));
    }

    [Fact]
    public async Task WriteAsync_StoreItem_ReceivesNewETag()
    {
        var storage = CreateStorage();
        var note = new Note { Text = "x" };

        await storage.WriteAsync(new Dictionary<string, object> { ["a"] = note });
        var stored = (await storage.ReadAsync<Note>(["a"]))["a"];

        Assert.Equal(stored.ETag, note.ETag);
    }

    [Fact]
    public async Task WriteAsync_StaleETag_ThrowsConcurrencyExceptionAndKeepsItem()
    {
        var storage = CreateStorage();
        await storage.WriteAsync(new Dictionary<string, object> { ["a"] = new Note { Text = "v1" } });
        var first = (await storage.ReadAsync<Note>(["a"]))["a"];
        var second = (await storage.ReadAsync<Note>(["a"]))["a"];
        first.Text = "v2";
        await storage.WriteAsync(new Dictionary<string, object> { ["a"] = first });

        second.Text = "v3";
        var ex = await Assert.ThrowsAsync<StorageConcurrencyException>(() => storage.WriteAsync(new Dictionary<string, object> { ["a"] = second }));

        Assert.Equal("a", ex.Key);
        Assert.Equal("v2", (await storage.ReadAsync<Note>(["a"]))["a"].Text);
    }

    [Fact]
    public async Task WriteAsync_ConflictInBatch_WritesNothing()
    {
        var storage = CreateStorage();
        await storage.WriteAsync(new Dictionary<string, object> { ["a"] = new Note { Text = "v1" } });

        await Assert.ThrowsAsync<StorageConcurrencyException>(() => storage.WriteAsync(new Dictionary<string, object>
        {
            ["b"] = new Note { Text = "new" },
            ["a"] = new Note { Text = "stale", ETag = "not-the-etag" },
        }));

        Assert.Equal(["a"], (await storage.ReadAsync(["a", "b"])).Keys);
    }

    [Fact]
    public async Task WriteAsync_WildcardETag_OverwritesUnconditionally()
    {
        var storage = CreateStorage();
        await storage.WriteAsync(new Dictionary<string, object> { ["a"] = new Note { Text = "v1" } });

        await storage.WriteAsync(new Dictionary<string, object> { ["a"] = new Note { Text = "v2", ETag = "*" } });

        Assert.Equal("v2", (await storage.ReadAsync<Note>(["a"]))["a"].Text);
    }

    [Fact]
    public async Task WriteAsync_JsonObjectValue_RoundTripsAsJson()
    {
        var storage = CreateStorage();
        var value = new JsonObject { ["n"] = 42, ["list"] = new JsonArray("x", "y") };

        await storage.WriteAsync(new Dictionary<string, object> { ["j"] = value });
        var read = Assert.IsType<JsonObject>((await storage.ReadAsync(["j"]))["j"]);

        Assert.Equal(42, read["n"]!.GetValue<int>());
        Assert.Equal(value["eTag"]!.GetValue<string>(), read["eTag"]!.GetValue<string>());
    }

    [Fact]
    public async Task DeleteAsync_ExistingAndMissingKeys_RemovesExisting()
    {
        var storage = CreateStorage();
        await storage.WriteAsync(new Dictionary<string, object> { ["a"] = new Note(), ["b"] = new Note() });

        await storage.DeleteAsync(["a", "missing"]);

        Assert.Equal(["b"], (await storage.ReadAsync(["a", "b"])).Keys);
    }

    [Fact]
    public async Task WriteAsync_ConcurrentWritersWithSameETag_ExactlyOneWins()
    {
        var storage = CreateStorage();
        await storage.WriteAsync(new Dictionary<string, object> { ["a"] = new Note { Text = "v0" } });
        var eTag = (await storage.ReadAsync<Note>(["a"]))["a"].ETag;
        using var start = new ManualResetEventSlim();

        var writers = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            start.Wait();
            try
            {
                await storage.WriteAsync(new Dictionary<string, object> { ["a"] = new Note { Text = $"w{i}", ETag = eTag } });
                return true;
            }
            catch (StorageConcurrencyException)
            {
                return false;
            }
        })).ToList();
        start.Set();
        var results = await Task.WhenAll(writers);

        Assert.Equal(1, results.Count(won => won));
        var winner = Array.IndexOf(results, true);
        Assert.Equal($"w{winner}", (await storage.ReadAsync<Note>(["a"]))["a"].Text);
    }

    [Fact]
    public async Task PurgeExpiredAsync_MixedItems_RemovesOnlyExpired()
    {
        var storage = CreateStorage();
        var now = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        await storage.WriteAsync(new Dictionary<string, object>
        {
            ["old"] = new Note { ExpiresAt = now.AddMinutes(-1) },
            ["edge"] = new Note { ExpiresAt = now },
            ["fresh"] = new Note { ExpiresAt = now.AddDays(1) },
            ["forever"] = new Note(),
        });

        var purged = await storage.PurgeExpiredAsync(now);

        Assert.Equal(2, purged);
        Assert.Equal(["forever", "fresh"], (await storage.ReadAsync(["old", "edge", "fresh", "forever"])).Keys.Order());
    }

    [Fact]
    public async Task ReadDocumentAsync_MissingKey_ReturnsNull()
    {
        var storage = Documents(CreateStorage());

        Assert.Null(await storage.ReadDocumentAsync("nope"));
    }

    [Fact]
    public async Task WriteDocumentAsync_ReadsBackAsTheSameItemThroughBothPaths()
    {
        var storage = Documents(CreateStorage());

        var eTag = await storage.WriteDocumentAsync("a", """{"text":"hello","count":3}"""u8.ToArray(), null, null);
        var document = await storage.ReadDocumentAsync("a");
        var note = (await storage.ReadAsync<Note>(["a"]))["a"];

        Assert.False(string.IsNullOrEmpty(eTag));
        Assert.Equal("""{"text":"hello","count":3}""", System.Text.Encoding.UTF8.GetString(document!.Json.Span));
        Assert.Equal(eTag, document.ETag);
        Assert.Equal(("hello", 3, eTag), (note.Text, note.Count, note.ETag));
    }

    [Fact]
    public async Task ReadDocumentAsync_ItemWrittenAsObject_GivesItsJsonWithoutETag_AndItsETag()
    {
        var storage = Documents(CreateStorage());
        var note = new Note { Text = "x", Count = 2 };
        await storage.WriteAsync(new Dictionary<string, object> { ["a"] = note });

        var document = await storage.ReadDocumentAsync("a");

        var json = JsonNode.Parse(document!.Json.Span)!.AsObject();
        Assert.Equal(("x", 2), (json["text"]!.GetValue<string>(), json["count"]!.GetValue<int>()));
        Assert.False(json.ContainsKey("eTag"));
        Assert.Equal(note.ETag, document.ETag);
    }

    [Fact]
    public async Task WriteDocumentAsync_FollowsTheETagRules()
    {
        var storage = Documents(CreateStorage());
        var v1 = await storage.WriteDocumentAsync("a", """{"text":"v1"}"""u8.ToArray(), StorageExtensions.IfAbsentETag, null);

        // Created only if absent: a second first write is a conflict.
        await Assert.ThrowsAsync<StorageConcurrencyException>(() => storage.WriteDocumentAsync("a", """{"text":"other"}"""u8.ToArray(), StorageExtensions.IfAbsentETag, null));
        // Over the version read: written, with a new eTag; the old one is stale from then on.
        var v2 = await storage.WriteDocumentAsync("a", """{"text":"v2"}"""u8.ToArray(), v1, null);
        await Assert.ThrowsAsync<StorageConcurrencyException>(() => storage.WriteDocumentAsync("a", """{"text":"stale"}"""u8.ToArray(), v1, null));
        Assert.NotEqual(v1, v2);
        Assert.Equal("v2", (await storage.ReadAsync<Note>(["a"]))["a"].Text);

        // Unconditional: written whatever is stored.
        var v3 = await storage.WriteDocumentAsync("a", """{"text":"v3"}"""u8.ToArray(), "*", null);
        Assert.Equal(("v3", v3), ((await storage.ReadAsync<Note>(["a"]))["a"].Text, (await storage.ReadDocumentAsync("a"))!.ETag));

        // An item deleted meanwhile is created again by a conditional write (as WriteAsync does).
        await storage.DeleteAsync(["a"]);
        await storage.WriteDocumentAsync("a", """{"text":"again"}"""u8.ToArray(), v3, null);
        Assert.Equal("again", (await storage.ReadAsync<Note>(["a"]))["a"].Text);
    }

    [Fact]
    public async Task WriteDocumentAsync_ETagOfAnObjectWrite_IsTheVersionItWritesOver()
    {
        var storage = Documents(CreateStorage());
        var note = new Note { Text = "v1" };
        await storage.WriteAsync(new Dictionary<string, object> { ["a"] = note });

        await storage.WriteDocumentAsync("a", """{"text":"v2"}"""u8.ToArray(), note.ETag, null);
        note.Text = "v3";

        await Assert.ThrowsAsync<StorageConcurrencyException>(() => storage.WriteAsync(new Dictionary<string, object> { ["a"] = note }));
        Assert.Equal("v2", (await storage.ReadAsync<Note>(["a"]))["a"].Text);
    }

    [Fact]
    public async Task WriteDocumentAsync_Expiry_IsPurged()
    {
        var storage = Documents(CreateStorage());
        var now = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        await storage.WriteDocumentAsync("old", "{}"u8.ToArray(), null, now.AddMinutes(-1));
        await storage.WriteDocumentAsync("fresh", "{}"u8.ToArray(), null, now.AddDays(1));
        await storage.WriteDocumentAsync("forever", "{}"u8.ToArray(), null, null);

        Assert.Equal(1, await storage.PurgeExpiredAsync(now));
        Assert.Equal(["forever", "fresh"], (await storage.ReadAsync(["old", "fresh", "forever"])).Keys.Order());
    }

    /// <summary>
    /// The storage's document path: every storage of the project offers it (conversation state goes through it); a
    /// derived suite can put the cases to another view of the same items.
    /// </summary>
    protected virtual IDocumentStorage AsDocumentStorage(IExpiringStorage storage) => Assert.IsAssignableFrom<IDocumentStorage>(storage);

    private DocumentStore Documents(IExpiringStorage storage) => new(AsDocumentStorage(storage), storage);

    private sealed class DocumentStore(IDocumentStorage documents, IExpiringStorage expiring)
    {
        public Task<StoredDocument?> ReadDocumentAsync(string key) => documents.ReadDocumentAsync(key);

        public Task<string> WriteDocumentAsync(string key, byte[] json, string? eTag, DateTimeOffset? expiresAt) =>
            documents.WriteDocumentAsync(key, json, eTag, expiresAt);

        public Task WriteAsync(IDictionary<string, object> changes) => expiring.WriteAsync(changes);

        public Task<IDictionary<string, object>> ReadAsync(string[] keys) => expiring.ReadAsync(keys);

        public Task<IDictionary<string, T>> ReadAsync<T>(string[] keys) => expiring.ReadAsync<T>(keys);

        public Task DeleteAsync(string[] keys) => expiring.DeleteAsync(keys);

        public Task<int> PurgeExpiredAsync(DateTimeOffset now) => expiring.PurgeExpiredAsync(now);
    }

    public sealed class Note : IStoreItem
    {
        public string? Text { get; set; }

        public int Count { get; set; }

        public DateTimeOffset? ExpiresAt { get; set; }

        public string? ETag { get; set; }
    }
}
