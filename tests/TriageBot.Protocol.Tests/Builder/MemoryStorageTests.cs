using System.Text;
using TriageBot.Protocol.Builder;

namespace TriageBot.Protocol.Tests.Builder;

/// <summary>The storage contract on <see cref="MemoryStorage"/> as the bot makes it (items compressed after 4,096 later writes).</summary>
public class MemoryStorageTests : StorageContractTests
{
    protected override IExpiringStorage CreateStorage() => new MemoryStorage();

    [Fact]
    public async Task Items_AreCompressedOnceEnoughLaterWritesHappened_AndReadBackTheSame()
    {
        var storage = new MemoryStorage(hotWrites: 2);
        await storage.WriteAsync(new Dictionary<string, object> { ["a"] = new Note { Text = "first é \u4e2d" } });
        var eTagB = await storage.WriteDocumentAsync("b", """{"text":"second"}"""u8.ToArray(), null, null);
        Assert.Equal(0, storage.CompressedCount);

        await storage.WriteDocumentAsync("c", """{"text":"third"}"""u8.ToArray(), null, null);
        Assert.Equal(1, storage.CompressedCount);
        await storage.WriteDocumentAsync("d", "{}"u8.ToArray(), null, null);
        Assert.Equal(2, storage.CompressedCount);

        Assert.Equal("first é \u4e2d", (await storage.ReadAsync<Note>(["a"]))["a"].Text);
        var b = await storage.ReadDocumentAsync("b");
        Assert.Equal(("""{"text":"second"}""", eTagB), (Encoding.UTF8.GetString(b!.Json.Span), b.ETag));
        // A compressed item is still written over by its eTag, and stale eTags still conflict.
        await storage.WriteDocumentAsync("b", """{"text":"again"}"""u8.ToArray(), eTagB, null);
        await Assert.ThrowsAsync<StorageConcurrencyException>(() => storage.WriteDocumentAsync("b", "{}"u8.ToArray(), eTagB, null));
    }

    [Fact]
    public async Task AnItemWrittenAgainWhileRecent_IsCompressedOnlyAsItsLatestVersion()
    {
        var storage = new MemoryStorage(hotWrites: 3);
        var eTag = await storage.WriteDocumentAsync("conversation", """{"turn":1}"""u8.ToArray(), null, null);
        eTag = await storage.WriteDocumentAsync("conversation", """{"turn":2}"""u8.ToArray(), eTag, null);
        await storage.WriteDocumentAsync("conversation", """{"turn":3}"""u8.ToArray(), eTag, null);

        // The first two versions leave the recent writes but are no longer stored: nothing is compressed for them.
        await storage.WriteDocumentAsync("other-1", "{}"u8.ToArray(), null, null);
        await storage.WriteDocumentAsync("other-2", "{}"u8.ToArray(), null, null);
        Assert.Equal(0, storage.CompressedCount);

        await storage.WriteDocumentAsync("other-3", "{}"u8.ToArray(), null, null);
        Assert.Equal(1, storage.CompressedCount);
        Assert.Equal("""{"turn":3}""", Encoding.UTF8.GetString((await storage.ReadDocumentAsync("conversation"))!.Json.Span));
    }

    [Fact]
    public async Task ManyWrites_KeepAtMostHotWritesItemsUncompressed()
    {
        var storage = new MemoryStorage(hotWrites: 16);
        for (var i = 0; i < 200; i++)
        {
            await storage.WriteDocumentAsync($"k{i % 50}", Encoding.UTF8.GetBytes($$"""{"i":{{i}}}"""), null, null);
        }

        Assert.Equal(50 - 16, storage.CompressedCount);
        Assert.Equal("""{"i":199}""", Encoding.UTF8.GetString((await storage.ReadDocumentAsync("k49"))!.Json.Span));
        Assert.Equal("""{"i":150}""", Encoding.UTF8.GetString((await storage.ReadDocumentAsync("k0"))!.Json.Span));
    }
}

/// <summary>The storage contract on a <see cref="MemoryStorage"/> that compresses every item at once.</summary>
public sealed class MemoryStorageCompressedTests : StorageContractTests
{
    protected override IExpiringStorage CreateStorage() => new MemoryStorage(hotWrites: 0);
}
