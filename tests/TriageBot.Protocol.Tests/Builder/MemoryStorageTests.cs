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

    [Fact]
    public async Task ItemsOfOneFamily_AreCompressedAgainstTheFamilysDictionary_AndReadBackExactly()
    {
        var storage = new MemoryStorage(hotWrites: 0);
        var documents = Enumerable.Range(0, 40).Select(i => System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new
        {
            state = new
            {
                dialogState = new { dialogStack = new[] { new { id = "triage", state = new { stepIndex = i % 3 } } } },
                triage = new { pasted = $"user {i} says: cannot sign in since {i} o'clock, error {i * 7919}", answers = new { plan = i % 2 == 0 ? "yes" : "no" } },
            },
            lastAccess = $"2026-11-24T10:{i:00}:00+00:00",
            activityIds = new[] { $"a{i}", $"b{i}" },
        })).ToList();
        for (var i = 0; i < documents.Count; i++)
        {
            await storage.WriteDocumentAsync($"msteams/conversations/c{i}", documents[i], null, null);
        }

        for (var i = 0; i < documents.Count; i++)
        {
            Assert.Equal(documents[i], (await storage.ReadDocumentAsync($"msteams/conversations/c{i}"))!.Json.ToArray());
        }

        // Alone, each would take what Brotli makes of it; against the family's first item, far less.
        var alone = documents.Sum(d => CompressedAlone(d));
        Assert.Equal(40, storage.CompressedCount);
        Assert.True(storage.CompressedBytes < alone / 2, $"{storage.CompressedBytes} bytes stored, {alone} compressed one by one");
    }

    [Fact]
    public async Task ConcurrentWritesAndReads_WhileItemsAreCompressed_ReadOnlyWholeWrittenVersions()
    {
        // Few recent writes and many keys: buffers are given back and reused while others read and compress.
        var storage = new MemoryStorage(hotWrites: 8);
        var keys = Enumerable.Range(0, 24).Select(i => $"msteams/conversations/k{i}").ToArray();
        static byte[] Version(string key, int writer, int n) => Encoding.UTF8.GetBytes($$"""{"key":"{{key}}","writer":{{writer}},"n":{{n}},"pad":"{{new string((char)('a' + n % 26), 200 + n % 300)}}"}""");
        var torn = 0;

        var tasks = Enumerable.Range(0, 4).Select(writer => Task.Run(async () =>
        {
            for (var n = 0; n < 400; n++)
            {
                var key = keys[(n * 7 + writer) % keys.Length];
                await storage.WriteDocumentAsync(key, Version(key, writer, n), null, null);
                var readKey = keys[(n * 5 + writer * 3) % keys.Length];
                if (await storage.ReadDocumentAsync(readKey) is { } read)
                {
                    var text = Encoding.UTF8.GetString(read.Json.Span);
                    var parsed = System.Text.Json.JsonDocument.Parse(text).RootElement;
                    var expected = Version(readKey, parsed.GetProperty("writer").GetInt32(), parsed.GetProperty("n").GetInt32());
                    if (!read.Json.Span.SequenceEqual(expected))
                    {
                        Interlocked.Increment(ref torn);
                    }
                }
            }
        })).ToArray();
        await Task.WhenAll(tasks);

        Assert.Equal(0, torn);
        Assert.True(storage.CompressedCount > 0);
        foreach (var key in keys)
        {
            Assert.NotNull(await storage.ReadDocumentAsync(key));
        }
    }

    private static int CompressedAlone(byte[] json)
    {
        var buffer = new byte[System.IO.Compression.BrotliEncoder.GetMaxCompressedLength(json.Length)];
        Assert.True(System.IO.Compression.BrotliEncoder.TryCompress(json, buffer, out var written, quality: 1, window: 16));
        return written;
    }
}

/// <summary>The storage contract on a <see cref="MemoryStorage"/> that compresses every item at once.</summary>
public sealed class MemoryStorageCompressedTests : StorageContractTests
{
    protected override IExpiringStorage CreateStorage() => new MemoryStorage(hotWrites: 0);
}
