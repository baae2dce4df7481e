using Microsoft.Extensions.Time.Testing;
using TriageBot.Escalation;
using TriageBot.Protocol.Builder;

namespace TriageBot.Tests.Escalation;

/// <summary>
/// The ticket store's behaviour, run against MemoryStorage, SQLite (a temporary file) and PostgreSQL
/// (a table of its own), where each <see cref="TestStore.Open"/> is a separate instance, as two bot instances
/// sharing a database.
/// </summary>
public abstract class TicketStoreTests : IDisposable
{
    private readonly TestStore _store;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

    protected TicketStoreTests(TestStore store) => _store = store;

    public void Dispose()
    {
        _store.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task CreateAsync_FirstTicket_IsTB1001OpenWithEverythingCollected()
    {
        var tickets = NewInstance().Tickets;

        var ticket = await tickets.CreateAsync(Requests.Sample(), "conv-1/flow-1");

        var stored = await tickets.GetAsync("TB-1001");
        Assert.NotNull(stored);
        Assert.Equal("TB-1001", ticket.Id);
        Assert.Equal(FakeChannel.Json(ticket).ToJsonString(), FakeChannel.Json(stored).ToJsonString());
        Assert.Equal(TicketStatus.Open, stored.Status);
        Assert.Equal((_time.GetUtcNow(), _time.GetUtcNow()), (stored.CreatedAt, stored.UpdatedAt));
        Assert.Equal("alex@contoso.com", stored.Request.Form.SignInAddress);
        Assert.Equal("a:personal-chat", stored.Request.Requester.Conversation?.Conversation?.Id);
        Assert.Equal([("Is it only you, or several people?", "only me")], stored.Request.Answers.Select(a => (a.Question, a.Answer)));
        Assert.Equal(TicketEventKind.Created, Assert.Single(stored.History).Kind);
        Assert.Equal("29:user-1", stored.History[0].By.Id);
    }

    [Fact]
    public async Task CreateAsync_DifferentKeys_NumbersFollowEachOther()
    {
        var tickets = NewInstance().Tickets;

        var ids = new List<string>();
        foreach (var key in new[] { "a", "b", "c" })
        {
            ids.Add((await tickets.CreateAsync(Requests.Sample(), key)).Id);
        }

        Assert.Equal(["TB-1001", "TB-1002", "TB-1003"], ids);
    }

    [Fact]
    public async Task CreateAsync_ConcurrentDifferentKeysOnTwoInstances_IdsUnique()
    {
        var instances = new[] { NewInstance(), NewInstance() };

        var created = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Task.Run(() => instances[i % 2].Tickets.CreateAsync(Requests.Sample($"29:user-{i}"), $"key-{i}"))));

        Assert.Equal(Enumerable.Range(1001, 20).Select(n => $"TB-{n}"), created.Select(t => t.Id).Order());
        Assert.Equal(20, (await instances[0].Tickets.ListOpenAsync()).Count);
        Assert.Equal(20, (await instances[1].Outbox.ListPendingAsync()).Count);
    }

    [Fact]
    public async Task CreateAsync_SameKeyTwice_ReturnsTheFirstTicket()
    {
        var tickets = NewInstance().Tickets;
        var first = await tickets.CreateAsync(Requests.Sample(), "conv-1/flow-1");
        _time.Advance(TimeSpan.FromSeconds(1));

        var second = await tickets.CreateAsync(Requests.Sample(pasted: "a different paste"), "conv-1/flow-1");
        var next = await tickets.CreateAsync(Requests.Sample(), "conv-1/flow-2");

        Assert.Equal(first.Id, second.Id);
        Assert.Equal("Sign-in address not found", second.Request.Pasted);
        Assert.Equal("TB-1002", next.Id);
        Assert.Equal(2, (await tickets.ListOpenAsync()).Count);
    }

    [Fact]
    public async Task CreateAsync_SameKeyConcurrentlyOnTwoInstances_OneTicket()
    {
        var instances = new[] { NewInstance(), NewInstance() };

        var created = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            Task.Run(() => instances[i % 2].Tickets.CreateAsync(Requests.Sample(), "conv-1/flow-1"))));

        Assert.Equal(["TB-1001"], created.Select(t => t.Id).Distinct());
        Assert.Equal(["TB-1001"], (await instances[0].Tickets.ListOpenAsync()).Select(t => t.Id));
        Assert.Equal(["TB-1001/fake"], (await instances[0].Outbox.ListPendingAsync()).Select(i => i.Id));
        Assert.Equal("TB-1002", (await instances[1].Tickets.CreateAsync(Requests.Sample(), "other")).Id);
    }

    [Fact]
    public async Task CreateAsync_TwoChannels_QueuesOneDeliveryPerChannelWithTheTicket()
    {
        var instance = Instance.Create(_store.Open(), _time, new FakeChannel("channel"), new FakeChannel("webhook"));

        await instance.Tickets.CreateAsync(Requests.Sample(), "k");

        var pending = await instance.Outbox.ListPendingAsync();
        Assert.Equal(["TB-1001/channel", "TB-1001/webhook"], pending.Select(i => i.Id));
        Assert.All(pending, i => Assert.Equal((0, _time.GetUtcNow(), "TB-1001"), (i.Attempts, i.NextAttemptAt, i.TicketId)));
    }

    [Fact]
    public async Task CreateAsync_SecretsInRequest_StoredRedactedAndCallerRequestUnchanged()
    {
        var tickets = NewInstance().Tickets;
        var request = Requests.Sample(pasted: "Sign-in address not found. my password is Hunter2!");
        request.Form.AnythingElse = "api_key=sk_live_51H8abcDEFghiJKLmno";
        request.Answers.Add(new TicketAnswer("Anything to add?", "pw=S3cret"));

        await tickets.CreateAsync(request, "k");

        var stored = (await tickets.GetAsync("TB-1001"))!;
        Assert.Equal("Sign-in address not found. my password is [redacted password]", stored.Request.Pasted);
        Assert.Equal("api_key=[redacted secret]", stored.Request.Form.AnythingElse);
        Assert.Equal("pw=[redacted password]", stored.Request.Answers[1].Answer);
        Assert.Equal("alex@contoso.com", stored.Request.Form.SignInAddress);
        Assert.Equal("Sign-in address not found. my password is Hunter2!", request.Pasted);
    }

    [Fact]
    public async Task GetAsync_UnknownId_ReturnsNull()
    {
        Assert.Null(await NewInstance().Tickets.GetAsync("TB-9999"));
    }

    [Fact]
    public async Task UpdateAsync_ConflictingWriteInBetween_RetriesOnFreshTicketAndKeepsBoth()
    {
        var storage = new HookedStorage(_store.Open());
        var tickets = Instance.Create(storage, _time, new FakeChannel()).Tickets;
        await tickets.CreateAsync(Requests.Sample(), "k");
        var agent = new TicketPerson("29:agent", "Megan");
        var other = Instance.Create(_store.Open(), _time, new FakeChannel()).Tickets;
        var interfered = false;
        storage.BeforeWrite = async _ =>
        {
            // Another instance writes the ticket between this update's read and its write, once.
            if (!interfered)
            {
                interfered = true;
                await other.UpdateAsync("TB-1001", t => t.AddNote(agent, "checked the licence", _time.GetUtcNow()));
            }
        };
        var runs = 0;

        var updated = await tickets.UpdateAsync("TB-1001", t =>
        {
            runs++;
            t.Assign(agent, _time.GetUtcNow());
        });

        Assert.Equal(2, runs);
        var stored = (await tickets.GetAsync("TB-1001"))!;
        Assert.Equal(TicketStatus.Assigned, stored.Status);
        Assert.Equal([TicketEventKind.Created, TicketEventKind.Note, TicketEventKind.Assigned], stored.History.Select(e => e.Kind));
        Assert.Equal(stored.ETag, updated!.ETag);
    }

    [Fact]
    public async Task UpdateAsync_ConcurrentUpdatesOnTwoInstances_NoneLost()
    {
        var instances = new[] { NewInstance(), NewInstance() };
        await instances[0].Tickets.CreateAsync(Requests.Sample(), "k");

        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() =>
            instances[i % 2].Tickets.UpdateAsync("TB-1001", t => t.AddNote(new TicketPerson($"29:agent-{i}"), $"note {i}", _time.GetUtcNow())))));

        var notes = (await instances[0].Tickets.GetAsync("TB-1001"))!.History.Where(e => e.Kind == TicketEventKind.Note).Select(e => e.Text);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"note {i}").Order(), notes.Order());
    }

    [Fact]
    public async Task UpdateAsync_UnknownId_ReturnsNullAndWritesNothing()
    {
        var tickets = NewInstance().Tickets;

        var updated = await tickets.UpdateAsync("TB-4242", t => t.AddNote(new TicketPerson("29:agent"), "x", _time.GetUtcNow()));

        Assert.Null(updated);
        Assert.Null(await tickets.GetAsync("TB-4242"));
    }

    [Fact]
    public async Task UpdateAsync_AgentActions_StatusAssigneeAndHistoryWithWhoAndWhen()
    {
        var tickets = NewInstance().Tickets;
        await tickets.CreateAsync(Requests.Sample(), "k");
        var agent = new TicketPerson("29:agent", "Megan", "aad-megan");

        _time.Advance(TimeSpan.FromMinutes(5));
        await tickets.UpdateAsync("TB-1001", t => t.Assign(agent, _time.GetUtcNow()));
        _time.Advance(TimeSpan.FromMinutes(1));
        await tickets.UpdateAsync("TB-1001", t => t.AskUser(agent, "Which client version? password: hunter2", _time.GetUtcNow()));
        _time.Advance(TimeSpan.FromMinutes(1));
        await tickets.UpdateAsync("TB-1001", t => t.RecordUserAnswer("16.0.4266", _time.GetUtcNow()));
        _time.Advance(TimeSpan.FromMinutes(1));
        var resolved = await tickets.UpdateAsync("TB-1001", t => t.Resolve(agent, "licence assigned", _time.GetUtcNow()));

        Assert.Equal(TicketStatus.Resolved, resolved!.Status);
        Assert.Equal(agent, resolved.Assignee);
        Assert.Equal(_time.GetUtcNow(), resolved.UpdatedAt);
        Assert.Equal(
            [
                (TicketEventKind.Created, "29:user-1", 0, (string?)null),
                (TicketEventKind.Assigned, "29:agent", 5, null),
                (TicketEventKind.AskedUser, "29:agent", 6, "Which client version? password: [redacted password]"),
                (TicketEventKind.UserAnswered, "29:user-1", 7, "16.0.4266"),
                (TicketEventKind.Resolved, "29:agent", 8, "licence assigned"),
            ],
            resolved.History.Select(e => (e.Kind, e.By.Id, (int)(e.At - resolved.CreatedAt).TotalMinutes, e.Text)));
    }

    [Fact]
    public async Task ListOpenAsync_SomeResolved_OpenOnesNewestFirst()
    {
        var tickets = NewInstance().Tickets;
        foreach (var key in new[] { "a", "b", "c", "d" })
        {
            await tickets.CreateAsync(Requests.Sample(), key);
            _time.Advance(TimeSpan.FromMinutes(1));
        }

        var agent = new TicketPerson("29:agent");
        await tickets.UpdateAsync("TB-1002", t => t.Resolve(agent, null, _time.GetUtcNow()));
        await tickets.UpdateAsync("TB-1003", t => t.Assign(agent, _time.GetUtcNow()));

        Assert.Equal(["TB-1004", "TB-1003", "TB-1001"], (await tickets.ListOpenAsync()).Select(t => t.Id));
    }

    [Fact]
    public async Task ListOpenAsync_Empty_ReturnsNothing()
    {
        Assert.Empty(await NewInstance().Tickets.ListOpenAsync());
    }

    [Fact]
    public async Task WriteAsync_IfAbsentETagOnExistingKey_Conflicts()
    {
        // The store's create-once guarantees rest on this IStorage behaviour.
        var storage = _store.Open();
        await storage.WriteAsync(new Dictionary<string, object> { ["k"] = new IdList { Ids = ["first"], ETag = StoredItems.IfAbsent } });

        await Assert.ThrowsAsync<StorageConcurrencyException>(() =>
            storage.WriteAsync(new Dictionary<string, object> { ["k"] = new IdList { Ids = ["second"], ETag = StoredItems.IfAbsent } }));

        Assert.Equal(["first"], StoredItems.Get<IdList>(await storage.ReadAsync(["k"]), "k")!.Ids);
    }

    private Instance NewInstance() => Instance.Create(_store.Open(), _time, new FakeChannel());
}

public sealed class TicketStoreMemoryTests() : TicketStoreTests(new TestStore.Memory());

public sealed class TicketStoreSqliteTests() : TicketStoreTests(new TestStore.Sqlite());

[Collection(PostgresCollection.Name)]
public sealed class TicketStorePostgresTests(PostgresFixture fixture) : TicketStoreTests(new TestStore.Postgres(fixture.Server));
