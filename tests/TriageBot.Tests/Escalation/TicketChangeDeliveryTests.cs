using Microsoft.Extensions.Time.Testing;
using TriageBot.Escalation;
using TriageBot.Protocol.Builder;

namespace TriageBot.Tests.Escalation;

/// <summary>
/// What a change of a ticket queues in the outbox (in the same write as the ticket) and the "awaiting answer"
/// marker of the requester's conversation, against MemoryStorage and SQLite.
/// </summary>
public abstract class TicketChangeDeliveryTests : IDisposable
{
    private const string Chat = "a:personal-chat";
    private static readonly TicketPerson Agent = new("29:agent", "Megan Bowen", "aad-megan");

    private readonly TestStore _store;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

    protected TicketChangeDeliveryTests(TestStore store) => _store = store;

    public void Dispose()
    {
        _store.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task UpdateAsync_Assign_QueuesRequesterChannelAndWebhookInTheTicketsWrite()
    {
        var storage = new HookedStorage(_store.Open());
        var instance = NewInstance(storage);
        await instance.Tickets.CreateAsync(Requests.Sample(), "k");
        var writes = new List<IDictionary<string, object>>();
        storage.AfterWrite = changes => writes.Add(new Dictionary<string, object>(changes));
        _time.Advance(TimeSpan.FromMinutes(3));

        await instance.Tickets.UpdateAsync("TB-1001", t => t.Assign(Agent, _time.GetUtcNow()));

        var write = Assert.Single(writes);
        Assert.Contains(StoredItems.Ticket("TB-1001"), write.Keys);
        Assert.Contains(StoredItems.PendingDeliveries, write.Keys);
        Assert.Equal(
            ["TB-1001/channel/1", "TB-1001/requester/1", "TB-1001/webhook/1"],
            write.Values.OfType<OutboxItem>().Select(i => i.Id).Order());
        var pending = await instance.Outbox.ListPendingAsync();
        Assert.Equal(
            ["TB-1001/channel", "TB-1001/channel/1", "TB-1001/requester/1", "TB-1001/webhook", "TB-1001/webhook/1"],
            pending.Select(i => i.Id).Order(StringComparer.Ordinal));
        Assert.All(pending.Where(i => i.EventIndex is not null), i =>
            Assert.Equal(("TB-1001", 1, 0, _time.GetUtcNow()), (i.TicketId, i.EventIndex!.Value, i.Attempts, i.NextAttemptAt)));
        Assert.Equal("requester", pending.Single(i => i.Id == "TB-1001/requester/1").Channel);
    }

    [Fact]
    public async Task UpdateAsync_AskUserThenAnswer_UserGetsTheQuestionThreadGetsTheAnswerMarkerSetThenCleared()
    {
        var instance = NewInstance();
        await instance.Tickets.CreateAsync(Requests.Sample(), "k");
        var before = await PendingIdsAsync(instance);

        await instance.Tickets.UpdateAsync("TB-1001", t => t.AskUser(Agent, "Which client version?", _time.GetUtcNow()));
        var asked = await instance.Tickets.FindAwaitingAnswerAsync(Chat);
        var afterAsk = await PendingIdsAsync(instance);
        await instance.Tickets.UpdateAsync("TB-1001", t => t.RecordUserAnswer("16.0.4266", _time.GetUtcNow()));

        Assert.Equal("TB-1001", asked?.Id);
        Assert.Equal("Which client version?", asked!.PendingQuestion?.Text);
        Assert.Equal(["TB-1001/channel/1", "TB-1001/requester/1", "TB-1001/webhook/1"], afterAsk.Except(before).Order());
        Assert.Equal(["TB-1001/channel/2", "TB-1001/thread/2", "TB-1001/webhook/2"], (await PendingIdsAsync(instance)).Except(afterAsk).Order());
        Assert.Null(await instance.Tickets.FindAwaitingAnswerAsync(Chat));
        Assert.Null((await instance.Tickets.GetAsync("TB-1001"))!.PendingQuestion);
    }

    [Fact]
    public async Task UpdateAsync_AskUserThenResolve_MarkerClearedAndUserToldOfTheResolution()
    {
        var instance = NewInstance();
        await instance.Tickets.CreateAsync(Requests.Sample(), "k");
        await instance.Tickets.UpdateAsync("TB-1001", t => t.AskUser(Agent, "Which client version?", _time.GetUtcNow()));
        var afterAsk = await PendingIdsAsync(instance);

        await instance.Tickets.UpdateAsync("TB-1001", t => t.Resolve(Agent, "Licence assigned", _time.GetUtcNow()));

        Assert.Null(await instance.Tickets.FindAwaitingAnswerAsync(Chat));
        Assert.Equal(["TB-1001/channel/2", "TB-1001/requester/2", "TB-1001/webhook/2"], (await PendingIdsAsync(instance)).Except(afterAsk).Order());
        Assert.Empty(await instance.Tickets.ListOpenAsync());
    }

    [Fact]
    public async Task UpdateAsync_TwoEventsInOneChange_UserHearsOfEachTicketChannelsOfTheChangeOnce()
    {
        var instance = NewInstance();
        await instance.Tickets.CreateAsync(Requests.Sample(), "k");
        var before = await PendingIdsAsync(instance);

        await instance.Tickets.UpdateAsync("TB-1001", t =>
        {
            t.Assign(Agent, _time.GetUtcNow());
            t.AddNote(Agent, "checking the licence", _time.GetUtcNow());
            t.AskUser(Agent, "Since when?", _time.GetUtcNow());
        });

        Assert.Equal(
            ["TB-1001/channel/3", "TB-1001/requester/1", "TB-1001/requester/3", "TB-1001/webhook/3"],
            (await PendingIdsAsync(instance)).Except(before).Order());
        Assert.Equal("TB-1001", (await instance.Tickets.FindAwaitingAnswerAsync(Chat))?.Id);
    }

    [Fact]
    public async Task UpdateAsync_ChannelPostOnly_QueuesNothingAndLeavesTheMarker()
    {
        var storage = new HookedStorage(_store.Open());
        var instance = NewInstance(storage);
        await instance.Tickets.CreateAsync(Requests.Sample(), "k");
        await instance.Tickets.UpdateAsync("TB-1001", t => t.AskUser(Agent, "Which client version?", _time.GetUtcNow()));
        var before = await PendingIdsAsync(instance);
        var writes = new List<IDictionary<string, object>>();
        storage.AfterWrite = changes => writes.Add(new Dictionary<string, object>(changes));

        await instance.Tickets.UpdateAsync("TB-1001", t => t.ChannelPost = new ChannelPost("https://smba.example/", "19:hd@thread.tacv2;messageid=7", "7"));

        Assert.Equal([StoredItems.Ticket("TB-1001")], Assert.Single(writes).Keys);
        Assert.Equal(before, await PendingIdsAsync(instance));
        Assert.Equal("TB-1001", (await instance.Tickets.FindAwaitingAnswerAsync(Chat))?.Id);
    }

    [Fact]
    public async Task UpdateAsync_MutateChangesNothing_WritesNothing()
    {
        var storage = new HookedStorage(_store.Open());
        var instance = NewInstance(storage);
        await instance.Tickets.CreateAsync(Requests.Sample(), "k");
        await instance.Tickets.UpdateAsync("TB-1001", t => t.Resolve(Agent, "done", _time.GetUtcNow()));
        var before = (await instance.Tickets.GetAsync("TB-1001"))!;
        var writes = 0;
        storage.AfterWrite = _ => writes++;
        _time.Advance(TimeSpan.FromMinutes(1));

        // What an action on a resolved ticket does: looks, and changes nothing.
        var returned = await instance.Tickets.UpdateAsync("TB-1001", t => _ = t.IsOpen);

        Assert.Equal(0, writes);
        Assert.Equal((before.UpdatedAt, before.ETag), (returned!.UpdatedAt, returned.ETag));
        Assert.Equal(FakeChannel.Json(before).ToJsonString(), FakeChannel.Json((await instance.Tickets.GetAsync("TB-1001"))!).ToJsonString());
    }

    [Fact]
    public async Task UpdateAsync_OtherTicketOfTheSameChatResolved_LeavesTheLatestQuestionsMarker()
    {
        var instance = NewInstance();
        await instance.Tickets.CreateAsync(Requests.Sample(), "a");
        await instance.Tickets.CreateAsync(Requests.Sample(), "b");
        await instance.Tickets.UpdateAsync("TB-1001", t => t.AskUser(Agent, "First question?", _time.GetUtcNow()));
        await instance.Tickets.UpdateAsync("TB-1002", t => t.AskUser(Agent, "Second question?", _time.GetUtcNow()));

        await instance.Tickets.UpdateAsync("TB-1001", t => t.Resolve(Agent, "done", _time.GetUtcNow()));

        Assert.Equal("TB-1002", (await instance.Tickets.FindAwaitingAnswerAsync(Chat))?.Id);
    }

    [Fact]
    public async Task UpdateAsync_OtherTicketWithAnOlderQuestionChanges_LeavesTheLatestQuestionsMarker()
    {
        // "The latest question asked in the conversation is the one answered": the user was last asked about
        // TB-1002, so taking TB-1001 (whose older question is still open) must not redirect their typed answer.
        var instance = NewInstance();
        await instance.Tickets.CreateAsync(Requests.Sample(), "a");
        await instance.Tickets.CreateAsync(Requests.Sample(), "b");
        await instance.Tickets.UpdateAsync("TB-1001", t => t.AskUser(Agent, "First question?", _time.GetUtcNow()));
        await instance.Tickets.UpdateAsync("TB-1002", t => t.AskUser(Agent, "Second question?", _time.GetUtcNow()));

        await instance.Tickets.UpdateAsync("TB-1001", t => t.Assign(Agent, _time.GetUtcNow()));
        await instance.Tickets.UpdateAsync("TB-1001", t => t.AddNote(Agent, "waiting for the user", _time.GetUtcNow()));

        Assert.Equal("TB-1002", (await instance.Tickets.FindAwaitingAnswerAsync(Chat))?.Id);
    }

    [Fact]
    public async Task UpdateAsync_OtherChatsMarker_LeftAlone()
    {
        var instance = NewInstance();
        var other = Requests.Sample("29:user-2");
        other.Requester.Conversation!.Conversation = new Protocol.Schema.ConversationAccount("a:other-chat");
        await instance.Tickets.CreateAsync(Requests.Sample(), "a");
        await instance.Tickets.CreateAsync(other, "b");
        await instance.Tickets.UpdateAsync("TB-1001", t => t.AskUser(Agent, "First question?", _time.GetUtcNow()));
        await instance.Tickets.UpdateAsync("TB-1002", t => t.AskUser(Agent, "Second question?", _time.GetUtcNow()));

        await instance.Tickets.UpdateAsync("TB-1001", t => t.RecordUserAnswer("answer", _time.GetUtcNow()));

        Assert.Null(await instance.Tickets.FindAwaitingAnswerAsync(Chat));
        Assert.Equal("TB-1002", (await instance.Tickets.FindAwaitingAnswerAsync("a:other-chat"))?.Id);
    }

    [Fact]
    public async Task UpdateAsync_NoConversationKnown_QueuesTheDeliveriesWithoutAMarker()
    {
        var instance = NewInstance();
        var request = Requests.Sample();
        request.Requester.Conversation = null;
        await instance.Tickets.CreateAsync(request, "k");

        var updated = await instance.Tickets.UpdateAsync("TB-1001", t => t.AskUser(Agent, "Which client version?", _time.GetUtcNow()));

        Assert.NotNull(updated?.PendingQuestion);
        Assert.Contains("TB-1001/requester/1", await PendingIdsAsync(instance));
        Assert.Null(await instance.Tickets.FindAwaitingAnswerAsync(Chat));
    }

    [Fact]
    public async Task UpdateAsync_ConflictingChangeInBetween_EachChangeQueuedOnceNoneLost()
    {
        var storage = new HookedStorage(_store.Open());
        var instance = NewInstance(storage);
        await instance.Tickets.CreateAsync(Requests.Sample(), "k");
        var other = NewInstance(_store.Open());
        var interfered = false;
        storage.BeforeWrite = async _ =>
        {
            if (!interfered)
            {
                interfered = true;
                await other.Tickets.UpdateAsync("TB-1001", t => t.AskUser(Agent, "Since when?", _time.GetUtcNow()));
            }
        };

        await instance.Tickets.UpdateAsync("TB-1001", t => t.Assign(Agent, _time.GetUtcNow()));

        var pending = await PendingIdsAsync(instance);
        Assert.Equal(pending.Distinct(), pending);
        Assert.Equal(
            ["TB-1001/channel", "TB-1001/channel/1", "TB-1001/channel/2", "TB-1001/requester/1", "TB-1001/requester/2", "TB-1001/webhook", "TB-1001/webhook/1", "TB-1001/webhook/2"],
            pending.Order(StringComparer.Ordinal));
        Assert.Equal("TB-1001", (await instance.Tickets.FindAwaitingAnswerAsync(Chat))?.Id);
    }

    [Fact]
    public async Task DispatchOnceAsync_ChangeDeliveries_EachChannelGetsTheTicketAsStored()
    {
        var requester = new FakeChannel(Outbox.RequesterChannel);
        var card = new FakeChannel("channel");
        var thread = new FakeChannel(Outbox.ThreadChannel);
        var webhook = new FakeChannel("webhook");
        var instance = Instance.Create(_store.Open(), _time, requester, card, thread, webhook);
        await instance.Tickets.CreateAsync(Requests.Sample(), "k");
        await instance.Tickets.UpdateAsync("TB-1001", t => t.AskUser(Agent, "Since when?", _time.GetUtcNow()));
        await instance.Tickets.UpdateAsync("TB-1001", t => t.RecordUserAnswer("yesterday", _time.GetUtcNow()));

        Assert.Equal(8, await instance.DrainAsync(_time));

        Assert.Equal((1, 3, 1, 3), (requester.Calls, card.Calls, thread.Calls, webhook.Calls));
        var stored = FakeChannel.Json((await instance.Tickets.GetAsync("TB-1001"))!).ToJsonString();
        Assert.Equal(stored, thread.Delivered.Single().ToJsonString());
    }

    private Instance NewInstance(IStorage? storage = null) =>
        Instance.Create(storage ?? _store.Open(), _time,
            new FakeChannel(Outbox.RequesterChannel), new FakeChannel("channel"), new FakeChannel(Outbox.ThreadChannel), new FakeChannel("webhook"));

    private static async Task<List<string>> PendingIdsAsync(Instance instance) =>
        (await instance.Outbox.ListPendingAsync()).Select(i => i.Id).ToList();
}

public sealed class TicketChangeDeliveryMemoryTests() : TicketChangeDeliveryTests(new TestStore.Memory());

public sealed class TicketChangeDeliverySqliteTests() : TicketChangeDeliveryTests(new TestStore.Sqlite());
