using Microsoft.Extensions.Time.Testing;
using TriageBot.Protocol.Builder;
using TriageBot.Protocol.Schema;
using TriageBot.Protocol.Tests.TestDoubles;

namespace TriageBot.Protocol.Tests.Builder;

/// <summary>
/// BotState's behaviour, on a storage that offers the document path (<see cref="IDocumentStorage"/>, as every storage of
/// the project does) and on one that offers <see cref="IStorage"/> only (reached through <see cref="DocumentStorageAdapter"/>);
/// see the two classes at the end.
/// </summary>
public abstract class BotStateTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly CountingStorage _storage;

    private protected BotStateTests(bool documentPath)
    {
        _storage = documentPath ? new CountingDocumentStorage() : new CountingStorage();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task StateSavedThroughOnePath_LoadsThroughTheOther_AndUnchangedIsNotWrittenAgain(bool savedAsDocument)
    {
        var inner = new MemoryStorage();
        var asDocuments = new CountingDocumentStorage(inner);
        var asObjects = new CountingStorage(inner);
        var saving = new ConversationState(savedAsDocument ? asDocuments : asObjects, _time) { RememberedActivityIds = 2 };
        var loading = new ConversationState(savedAsDocument ? asObjects : asDocuments, _time) { RememberedActivityIds = 2 };
        var first = NewTurn("act-1");
        (await saving.CreateProperty<Counter>("counter").GetAsync(first, () => new Counter())).Value = 7;
        await saving.CreateProperty<string>("text").SetAsync(first, "caf\u00e9 \"quoted\" <b>");
        await saving.SaveChangesAsync(first);

        var second = NewTurn("act-2");
        Assert.True(await loading.HasSavedActivityAsync(NewTurn("act-1")));
        Assert.Equal(7, (await loading.CreateProperty<Counter>("counter").GetAsync(second)).Value);
        Assert.Equal("caf\u00e9 \"quoted\" <b>", await loading.CreateProperty<string>("text").GetAsync(second));
        await loading.SaveChangesAsync(second);

        Assert.Equal(1, asDocuments.Writes + asObjects.Writes);
    }

    [Fact]
    public async Task SaveChangesAsync_ChangedTwiceInTurn_WritesOnce()
    {
        var state = new ConversationState(_storage, _time);
        var counter = state.CreateProperty<Counter>("counter");
        var turn = NewTurn();

        (await counter.GetAsync(turn, () => new Counter())).Value++;
        (await counter.GetAsync(turn, () => new Counter())).Value++;
        await state.SaveChangesAsync(turn);

        Assert.Equal(1, _storage.Reads);
        Assert.Equal(1, _storage.Writes);
    }

    [Fact]
    public async Task SaveChangesAsync_Unchanged_DoesNotWrite()
    {
        var state = new ConversationState(_storage, _time);
        var counter = state.CreateProperty<Counter>("counter");
        var first = NewTurn();
        await counter.SetAsync(first, new Counter { Value = 5 });
        await state.SaveChangesAsync(first);

        var second = NewTurn();
        var value = await counter.GetAsync(second);
        await state.SaveChangesAsync(second);

        Assert.Equal(5, value.Value);
        Assert.Equal(1, _storage.Writes);
    }

    [Fact]
    public async Task SaveChangesAsync_Force_WritesUnchangedState()
    {
        var state = new ConversationState(_storage, _time);
        var turn = NewTurn();
        await state.LoadAsync(turn);

        await state.SaveChangesAsync(turn, force: true);

        Assert.Equal(1, _storage.Writes);
    }

    [Fact]
    public async Task SaveChangesAsync_SecondSaveInSameTurn_UsesNewETag()
    {
        var state = new ConversationState(_storage, _time);
        var text = state.CreateProperty<string>("text");
        var turn = NewTurn();
        await text.SetAsync(turn, "a");
        await state.SaveChangesAsync(turn);

        await text.SetAsync(turn, "b");
        await state.SaveChangesAsync(turn);

        Assert.Equal("b", await text.GetAsync(NewTurn()));
    }

    [Fact]
    public async Task SaveChangesAsync_ConcurrentTurnSavedFirst_ThrowsConcurrencyException()
    {
        var state = new ConversationState(_storage, _time);
        var text = state.CreateProperty<string>("text");
        var seed = NewTurn();
        await text.SetAsync(seed, "seed");
        await state.SaveChangesAsync(seed);
        var turnA = NewTurn();
        var turnB = NewTurn();
        await text.SetAsync(turnA, "a");
        await text.SetAsync(turnB, "b");

        await state.SaveChangesAsync(turnA);

        await Assert.ThrowsAsync<StorageConcurrencyException>(() => state.SaveChangesAsync(turnB));
    }

    [Fact]
    public async Task GetAsync_NumbersFromStorage_ComeBackAsDeclaredType()
    {
        var state = new ConversationState(_storage, _time);
        var step = state.CreateProperty<int>("step");
        var first = NewTurn();
        await step.SetAsync(first, 3);
        await state.SaveChangesAsync(first);

        Assert.Equal(3, await step.GetAsync(NewTurn()));
    }

    [Fact]
    public async Task LoadAsync_StateOlderThanExpiry_StartsEmptyAndStampsExpiry()
    {
        var state = new ConversationState(_storage, _time, TimeSpan.FromDays(1));
        var text = state.CreateProperty<string>("text");
        var first = NewTurn();
        await text.SetAsync(first, "old");
        await state.SaveChangesAsync(first);
        var stored = await _storage.ReadAsync<System.Text.Json.Nodes.JsonObject>(["msteams/conversations/conv-1"]);

        _time.Advance(TimeSpan.FromDays(1));

        Assert.Equal(_time.GetUtcNow(), stored.Values.Single()["expiresAt"]!.GetValue<DateTimeOffset>());
        Assert.Null(await text.GetAsync(NewTurn()));
    }

    [Fact]
    public async Task StorageKeys_ConversationAndUser_FollowSdkLayout()
    {
        var conversation = new ConversationState(_storage, _time);
        var user = new UserState(_storage, _time);
        var turn = NewTurn();
        await conversation.CreateProperty<string>("x").SetAsync(turn, "1");
        await user.CreateProperty<string>("y").SetAsync(turn, "2");

        await conversation.SaveChangesAsync(turn);
        await user.SaveChangesAsync(turn);

        Assert.Equal(["msteams/conversations/conv-1", "msteams/users/29:user"], _storage.WrittenKeys);
    }

    [Fact]
    public async Task ClearState_AfterSave_NextTurnSeesNothing()
    {
        var state = new ConversationState(_storage, _time);
        var text = state.CreateProperty<string>("text");
        var first = NewTurn();
        await text.SetAsync(first, "stuck");
        await state.SaveChangesAsync(first);

        var second = NewTurn();
        await state.LoadAsync(second);
        state.ClearState(second);
        await state.SaveChangesAsync(second);

        Assert.Null(await text.GetAsync(NewTurn()));
    }

    [Fact]
    public async Task SaveChangesAsync_TwoFirstTurnsOfANewConversation_SecondWriterGetsConflictInsteadOfErasingTheFirst()
    {
        var state = new ConversationState(_storage, _time);
        var text = state.CreateProperty<string>("text");
        var first = NewTurn("act-1");
        var second = NewTurn("act-2");
        await text.SetAsync(first, "first");
        await text.SetAsync(second, "second");

        await state.SaveChangesAsync(first);

        await Assert.ThrowsAsync<StorageConcurrencyException>(() => state.SaveChangesAsync(second));
        Assert.Equal("first", await text.GetAsync(NewTurn()));
    }

    [Fact]
    public async Task HasSavedActivityAsync_ActivityWhoseTurnSavedTheState_IsTrueForItsIdOnly()
    {
        var state = new ConversationState(_storage, _time) { RememberedActivityIds = 3 };
        var counter = state.CreateProperty<Counter>("counter");
        var first = NewTurn("act-1");
        (await counter.GetAsync(first, () => new Counter())).Value++;
        await state.SaveChangesAsync(first);

        Assert.True(await state.HasSavedActivityAsync(NewTurn("act-1")));
        Assert.False(await state.HasSavedActivityAsync(NewTurn("act-2")));
        Assert.False(await state.HasSavedActivityAsync(NewTurn(null)));
    }

    [Fact]
    public async Task HasSavedActivityAsync_TurnThatChangedNothing_IsNotRemembered()
    {
        var state = new ConversationState(_storage, _time) { RememberedActivityIds = 3 };
        var counter = state.CreateProperty<Counter>("counter");
        var first = NewTurn("act-1");
        await counter.SetAsync(first, new Counter { Value = 1 });
        await state.SaveChangesAsync(first);

        var unchanged = NewTurn("act-2");
        await counter.GetAsync(unchanged);
        await state.SaveChangesAsync(unchanged);

        Assert.False(await state.HasSavedActivityAsync(NewTurn("act-2")));
        Assert.Equal(1, _storage.Writes);
    }

    [Fact]
    public async Task HasSavedActivityAsync_MoreActivitiesThanRemembered_KeepsTheNewest()
    {
        var state = new ConversationState(_storage, _time) { RememberedActivityIds = 2 };
        var counter = state.CreateProperty<Counter>("counter");
        foreach (var id in new[] { "a", "b", "c" })
        {
            var turn = NewTurn(id);
            (await counter.GetAsync(turn, () => new Counter())).Value++;
            await state.SaveChangesAsync(turn);
        }

        Assert.False(await state.HasSavedActivityAsync(NewTurn("a")));
        Assert.True(await state.HasSavedActivityAsync(NewTurn("b")));
        Assert.True(await state.HasSavedActivityAsync(NewTurn("c")));
        Assert.Equal(3, (await counter.GetAsync(NewTurn("d"))).Value);
    }

    [Fact]
    public async Task HasSavedActivityAsync_NothingRemembered_IsFalseAndStoresNoIds()
    {
        var state = new ConversationState(_storage, _time);
        var turn = NewTurn("act-1");
        await state.CreateProperty<string>("text").SetAsync(turn, "x");
        await state.SaveChangesAsync(turn);

        Assert.False(await state.HasSavedActivityAsync(NewTurn("act-1")));
        var stored = (System.Text.Json.Nodes.JsonObject)(await _storage.ReadAsync(["msteams/conversations/conv-1"]))["msteams/conversations/conv-1"];
        Assert.Null(stored["activityIds"]);
    }

    [Fact]
    public async Task HasSavedActivityAsync_StateClearedInTheTurn_StillRemembersTheActivities()
    {
        var state = new ConversationState(_storage, _time) { RememberedActivityIds = 3 };
        var text = state.CreateProperty<string>("text");
        var first = NewTurn("act-1");
        await text.SetAsync(first, "stuck");
        await state.SaveChangesAsync(first);

        var second = NewTurn("act-2");
        await state.LoadAsync(second);
        state.ClearState(second);
        await state.SaveChangesAsync(second);

        Assert.True(await state.HasSavedActivityAsync(NewTurn("act-1")));
        Assert.True(await state.HasSavedActivityAsync(NewTurn("act-2")));
        Assert.Null(await text.GetAsync(NewTurn("act-3")));
    }

    private TurnContext NewTurn(string? activityId = null) => new(new RecordingAdapter(), new Activity
    {
        Id = activityId,
        Type = ActivityTypes.Message,
        ChannelId = "msteams",
        Conversation = new ConversationAccount("conv-1"),
        From = new ChannelAccount("29:user"),
        Recipient = new ChannelAccount("28:bot"),
    });

    public sealed class Counter
    {
        public int Value { get; set; }
    }

    /// <summary>A <see cref="MemoryStorage"/> seen through <see cref="IStorage"/> only, counting calls.</summary>
    private class CountingStorage(MemoryStorage? inner = null) : IStorage
    {
        private protected readonly MemoryStorage _inner = inner ?? new MemoryStorage();

        public int Reads { get; private protected set; }

        public int Writes { get; private protected set; }

        public List<string> WrittenKeys { get; } = [];

        public Task<IDictionary<string, object>> ReadAsync(string[] keys, CancellationToken cancellationToken = default)
        {
            Reads++;
            return _inner.ReadAsync(keys, cancellationToken);
        }

        public Task WriteAsync(IDictionary<string, object> changes, CancellationToken cancellationToken = default)
        {
            Writes++;
            WrittenKeys.AddRange(changes.Keys);
            return _inner.WriteAsync(changes, cancellationToken);
        }

        public Task DeleteAsync(string[] keys, CancellationToken cancellationToken = default) => _inner.DeleteAsync(keys, cancellationToken);
    }

    /// <summary>The same, with the document path too.</summary>
    private sealed class CountingDocumentStorage(MemoryStorage? inner = null) : CountingStorage(inner), IDocumentStorage
    {
        public Task<StoredDocument?> ReadDocumentAsync(string key, CancellationToken cancellationToken = default)
        {
            Reads++;
            return _inner.ReadDocumentAsync(key, cancellationToken);
        }

        public Task<string> WriteDocumentAsync(string key, ReadOnlyMemory<byte> json, string? eTag, DateTimeOffset? expiresAt, CancellationToken cancellationToken = default)
        {
            Writes++;
            WrittenKeys.Add(key);
            return _inner.WriteDocumentAsync(key, json, eTag, expiresAt, cancellationToken);
        }
    }
}

/// <summary><see cref="BotStateTests"/> on a storage with the document path.</summary>
public sealed class BotStateDocumentPathTests() : BotStateTests(documentPath: true);

/// <summary><see cref="BotStateTests"/> on a storage with <see cref="IStorage"/> only, through <see cref="DocumentStorageAdapter"/>.</summary>
public sealed class BotStateObjectPathTests() : BotStateTests(documentPath: false);
