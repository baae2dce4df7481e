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

    public sealed class Note : IStoreItem
    {
        public string? Text { get; set; }

        public int Count { get; set; }

        public DateTimeOffset? ExpiresAt { get; set; }

        public string? ETag { get; set; }
    }
}
