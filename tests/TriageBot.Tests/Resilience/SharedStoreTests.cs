using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TriageBot.Dialogs;
using TriageBot.Protocol.Builder;
using TriageBot.Tests.Resilience.Support;

namespace TriageBot.Tests.Resilience;

/// <summary>
/// Two instances of the app on one store (PostgreSQL, or one SQLite file): a conversation goes on at whichever
/// instance gets its next turn, and two turns of one conversation at once, one on each instance, are both applied,
/// once each, in some order: the loser of the ETag race runs again on the winner's state. <see cref="WriteGate"/>
/// makes the race happen every time: both turns read the state, then the first instance writes, then the second.
/// </summary>
public abstract class SharedStoreTests : IDisposable
{
    private const string Paste = "Skype for Business says: Server is temporarily unavailable";
    private const string PlanQuestion = "Which Office 365 plan";
    private const string CustomDomainQuestion = "sign in with its own (custom) domain";
    private const string AdfsQuestion = "single sign-on with AD FS";

    private readonly WriteGate _gate = new();
    private readonly InstanceApp _a;
    private readonly InstanceApp _b;
    private readonly Action _cleanup;

    /// <param name="createInstance">Creates an instance (by name, with a storage decorator) on the store this test's instances share.</param>
    /// <param name="cleanup">Removes the store after the test.</param>
    private protected SharedStoreTests(Func<string, Func<IStorage, IStorage>, InstanceApp> createInstance, Action cleanup)
    {
        _cleanup = cleanup;
        _a = createInstance("A", storage => _gate.Wrap(storage, "A"));
        _b = createInstance("B", storage => _gate.Wrap(storage, "B"));
    }

    [Fact]
    public async Task Conversation_EachTurnOnTheOtherInstance_GoesFromThePasteToTheFix()
    {
        var chat = new Chat("a:shared-walk");

        Assert.Contains(PlanQuestion, (await chat.SayAsync(_a, Paste)).Text);
        Assert.Contains(CustomDomainQuestion, (await chat.SayAsync(_b, "E")).Text);
        Assert.Contains(AdfsQuestion, (await chat.SayAsync(_a, "yes")).Text);
        var fix = await chat.SayAsync(_b, "no");
        Assert.Contains(Text(_b, "button-fixed"), fix.Text);
        var thanks = await chat.SayAsync(_a, "fixed");

        Assert.Equal(Text(_a, "fixed-thanks"), Assert.Single(thanks.Activities).GetProperty("text").GetString());
        var triage = await TriageAsync(_b, chat);
        Assert.Equal(new Dictionary<string, string> { ["plan"] = "yes", ["custom-domain"] = "yes", ["adfs"] = "no" }, triage.Answers);
        Assert.Equal("fixed", Assert.Single(triage.Tried).Outcome);
    }

    [Fact]
    public async Task TwoAnswersAtOnce_OnTwoInstances_EachRecordedOnceInOrderAndNothingWiped()
    {
        var chat = new Chat("a:shared-race");
        await chat.SayAsync(_a, Paste);
        _gate.Arm(chat.StateKey, "A", "B");

        // A answers the plan question; B's "no" was meant for the next question, and is applied after A's answer.
        var replies = await Task.WhenAll(chat.SayAsync(_a, "E"), chat.SayAsync(_b, "no"));

        Assert.Contains(CustomDomainQuestion, replies[0].Text);
        Assert.DoesNotContain(Text(_b, "retry-answer"), replies[1].Text);
        var triage = await TriageAsync(_a, chat);
        Assert.Equal(new Dictionary<string, string> { ["plan"] = "yes", ["custom-domain"] = "no" }, triage.Answers);
        AssertNoTurnFailed();
        // The conversation goes on from there.
        Assert.NotEmpty((await chat.SayAsync(_a, "no")).Activities);
    }

    [Fact]
    public async Task SameMessageOnBothInstancesAtOnce_IsProcessedOnce()
    {
        var chat = new Chat("a:shared-replay");
        await chat.SayAsync(_b, Paste);
        _gate.Arm(chat.StateKey, "A", "B");
        var id = Chat.NewId();

        // One activity delivered twice (a channel's redelivery), to both instances at the same moment.
        var replies = await Task.WhenAll(chat.SayAsync(_a, "E", id), chat.SayAsync(_b, "E", id));

        Assert.Contains(CustomDomainQuestion, replies[0].Text);
        Assert.Empty(replies[1].Activities);
        var triage = await TriageAsync(_b, chat);
        Assert.Equal(new Dictionary<string, string> { ["plan"] = "yes" }, triage.Answers);
        Assert.Equal("custom-domain", triage.PendingQuestion);
        AssertNoTurnFailed();
    }

    [Fact]
    public async Task HandOverFormSubmittedTwiceAtOnce_OnTwoInstances_CreatesOneTicket()
    {
        var chat = new Chat("a:shared-double-submit");
        var form = await chat.SayAsync(_a, "talk to a human");
        var submit = chat.FormSubmit(form, "alex@contoso.com", "double click");
        var again = submit.DeepClone().AsObject();
        again["id"] = Chat.NewId();
        _gate.Arm(chat.StateKey, "A", "B");

        var replies = await Task.WhenAll(Chat.PostAsync(_a, submit), Chat.PostAsync(_b, again));

        var created = Assert.Single(replies[0].Activities).GetProperty("text").GetString()!;
        var ticketId = System.Text.RegularExpressions.Regex.Match(created, @"TB-\d+").Value;
        Assert.Equal("TB-1001", ticketId);
        // The second submit ran again after the first had ended the hand-over: an old card's button by then.
        Assert.Equal(Text(_b, "unknown-submit"), Assert.Single(replies[1].Activities).GetProperty("text").GetString());
        var open = await _a.Services.GetRequiredService<TriageBot.Escalation.TicketStore>().ListOpenAsync();
        Assert.Equal([ticketId], open.Select(t => t.Id));
        Assert.Equal("double click", open[0].Request.Form.AnythingElse);
        AssertNoTurnFailed();
    }

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
        _cleanup();
    }

    private static string Text(InstanceApp app, string id) => app.Services.GetRequiredService<BotTexts>().Get(id, "en-us");

    private static async Task<TriageState> TriageAsync(InstanceApp app, Chat chat)
    {
        var stored = await app.Storage.ReadAsync([chat.StateKey]);
        var triage = Assert.IsType<JsonObject>(stored[chat.StateKey])["state"]?["triage"];
        return triage.Deserialize<TriageState>(TriageBot.Protocol.Schema.ProtocolJson.Options)!;
    }

    private void AssertNoTurnFailed()
    {
        foreach (var app in new[] { _a, _b })
        {
            Assert.DoesNotContain(app.Logs.Entries, e => e.Level >= LogLevel.Error || e.Category.EndsWith(nameof(TriageBot.Resilience.TurnErrorHandler), StringComparison.Ordinal));
        }
    }
}

/// <summary><see cref="SharedStoreTests"/> on one PostgreSQL table.</summary>
[Collection(PostgresCollection.Name)]
public sealed class SharedPostgresStoreTests : SharedStoreTests
{
    public SharedPostgresStoreTests(PostgresFixture fixture)
        : this(fixture, PostgresTestServer.NewTableName())
    {
    }

    private SharedPostgresStoreTests(PostgresFixture fixture, string table)
        : base((name, wrap) => InstanceApp.Postgres(name, fixture.Server.ConnectionString, table, wrap), () => fixture.Server.DropTable(table))
    {
    }
}

/// <summary><see cref="SharedStoreTests"/> on one SQLite file.</summary>
public sealed class SharedSqliteStoreTests : SharedStoreTests
{
    public SharedSqliteStoreTests()
        : this(Path.Combine(Path.GetTempPath(), "triagebot-shared-" + Guid.NewGuid().ToString("N")[..12]))
    {
    }

    private SharedSqliteStoreTests(string folder)
        : base((name, wrap) => InstanceApp.Sqlite(name, Path.Combine(folder, "triagebot.db"), wrap), () => TemporaryFolder.Delete(folder))
    {
    }
}
