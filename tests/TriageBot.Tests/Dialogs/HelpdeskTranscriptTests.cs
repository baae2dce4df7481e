using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Moq;
using TriageBot.Cards;
using TriageBot.Escalation;
using TriageBot.Protocol.Builder;
using TriageBot.Protocol.Connector;
using TriageBot.Protocol.Schema;
using static TriageBot.Tests.Dialogs.TriageBotFactory;

namespace TriageBot.Tests.Dialogs;

/// <summary>
/// The hand-over after the ticket exists, through the real bot: a user escalates, agents press the ticket card's
/// buttons (Action.Execute invokes and the Action.Submit fallback), the user answers the helpdesk's question.
/// Agents are members of the helpdesk team as the (fake) connector reports them.
/// </summary>
public sealed class HelpdeskTranscriptTests
{
    private const string HelpdeskChannel = "19:helpdesk@thread.tacv2";
    private const string CardId = "1700000009001";
    private const string Thread = HelpdeskChannel + ";messageid=" + CardId;
    private const string AgentId = "29:agent";
    private const string StrangerId = "29:stranger";
    private const string NotAgent = "Only helpdesk agents can act on tickets. Nothing was changed.";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly MemoryStorage _storage = new();
    private readonly Mock<IConnectorClient> _connector = new(MockBehavior.Strict);
    private readonly EscalationOptions _options = new() { HelpdeskChannelId = HelpdeskChannel };
    private readonly TestAdapter _adapter;
    private readonly IBot _bot;
    private readonly TicketStore _tickets;
    private readonly Outbox _outbox;

    public HelpdeskTranscriptTests()
    {
        Member(AgentId, isMember: true);
        Member(StrangerId, isMember: false);
        (_, _adapter, _bot) = Create("en-US", _storage, _connector.Object, _options, _time);
        _outbox = new Outbox(_storage, []);
        _tickets = new TicketStore(_storage, _outbox, _time);
    }

    private TestFlow Flow => new(_adapter, _bot);

    private string UserChat => _adapter.Conversation.Conversation!.Id!;

    [Fact]
    public async Task Escalated_AgentAssignsBySubmit_CardUpdatedInPlaceAndTheUserToldThroughTheOutbox()
    {
        var ticket = await EscalateAsync();
        Assert.Equal(TicketStatus.Open, ticket.Status);
        _time.Advance(TimeSpan.FromMinutes(2));

        await Flow
            .Send(AgentSubmit(AgentId, CardSubmit(ticket, TicketVerbs.Assign)))
            .AssertNoReply("the card is updated, nothing is said")
            .StartTestAsync();

        var stored = (await _tickets.GetAsync("TB-1001"))!;
        Assert.Equal((TicketStatus.Assigned, AgentId, "Megan Bowen"), (stored.Status, stored.Assignee?.Id, stored.Assignee?.Name));
        Assert.Equal([TicketEventKind.Created, TicketEventKind.Assigned], stored.History.Select(e => e.Kind));
        var update = Assert.Single(_adapter.Updated);
        Assert.Equal((CardId, Thread), (update.Id, update.Conversation?.Id));
        Assert.Contains("Assigned to Megan Bowen", Said(update));
        Assert.Contains("Megan Bowen took the ticket", Said(update));
        Assert.Contains("TB-1001/requester/1", await PendingAsync());
    }

    [Fact]
    public async Task Escalated_AgentAssignsByExecute_AnswersWithTheUpdatedCard()
    {
        var ticket = await EscalateAsync();

        await Flow
            .Send(Execute(AgentId, CardExecute(ticket, TicketVerbs.Assign)))
            .AssertReply(a =>
            {
                var card = CardOf(a);
                Assert.Contains("Assigned to Megan Bowen", SaidOn(card));
                Assert.DoesNotContain(NotAgent, SaidOn(card));
                // Teams refreshes the card for the agent who acted, never for the requester.
                Assert.Equal([AgentId], card.GetProperty("refresh").GetProperty("userIds").EnumerateArray().Select(e => e.GetString()));
            })
            .StartTestAsync();

        Assert.Equal(TicketStatus.Assigned, (await _tickets.GetAsync("TB-1001"))!.Status);
        Assert.Empty(_adapter.Updated);
    }

    [Fact]
    public async Task NonAgentPressesResolve_ByExecute_ErrorCardAndNothingChanges()
    {
        var ticket = await EscalateAsync();
        var (before, pendingBefore) = (await SnapshotAsync(), await PendingAsync());
        _time.Advance(TimeSpan.FromMinutes(1));

        await Flow
            .Send(Execute(StrangerId, CardExecute(ticket, TicketVerbs.Resolve, ("note", "closing this"))))
            .AssertReply(a =>
            {
                var card = CardOf(a);
                var banner = card.GetProperty("body")[0];
                Assert.Equal(("Container", "attention"), (banner.GetProperty("type").GetString(), banner.GetProperty("style").GetString()));
                Assert.Equal(NotAgent, banner.GetProperty("items")[0].GetProperty("text").GetString());
                Assert.DoesNotContain(ticket.Id, card.GetRawText());
            })
            .StartTestAsync();

        Assert.Equal(before, await SnapshotAsync());
        Assert.Equal(pendingBefore, await PendingAsync());
    }

    [Fact]
    public async Task NonAgentPressesResolve_BySubmit_NoticeInTheThreadAndNothingChanges()
    {
        var ticket = await EscalateAsync();
        var (before, pendingBefore) = (await SnapshotAsync(), await PendingAsync());
        _time.Advance(TimeSpan.FromMinutes(1));

        await Flow
            .Send(AgentSubmit(StrangerId, CardSubmit(ticket, TicketVerbs.Resolve, ("note", "closing this"))))
            .AssertReply(a =>
            {
                Assert.Equal(NotAgent, Said(a));
                Assert.Equal(Thread, a.Conversation?.Id);
            })
            .StartTestAsync();

        Assert.Equal(before, await SnapshotAsync());
        Assert.Equal(pendingBefore, await PendingAsync());
        Assert.Empty(_adapter.Updated);
    }

    [Fact]
    public async Task TeamsCannotBeAsked_ErrorBannerAndNothingChanges()
    {
        _connector.Setup(c => c.GetConversationMemberAsync(It.IsAny<string>(), HelpdeskChannel, "29:agent-2", It.IsAny<CancellationToken>()))
            .ThrowsAsync(new HttpRequestException("Response status code does not indicate success: 502.", null, System.Net.HttpStatusCode.BadGateway));
        var ticket = await EscalateAsync();
        var before = await SnapshotAsync();

        await Flow
            .Send(Execute("29:agent-2", CardExecute(ticket, TicketVerbs.Assign)))
            .AssertReply(a => Assert.Contains("I couldn't check that you're a helpdesk agent", SaidOn(CardOf(a))))
            .StartTestAsync();

        Assert.Equal(before, await SnapshotAsync());
    }

    [Theory]
    [InlineData("execute", null)]
    [InlineData("execute", "   ")]
    [InlineData("submit", null)]
    public async Task ResolveWithoutANote_NoteRequiredAndNothingChanges(string how, string? note)
    {
        var ticket = await EscalateAsync();
        var before = await SnapshotAsync();
        (string, string)[] inputs = note is null ? [] : [("note", note)];
        const string Required = "Write what fixed it: the user gets this note.";

        await (how == "execute"
                ? Flow.Send(Execute(AgentId, CardExecute(ticket, TicketVerbs.Resolve, inputs))).AssertReply(a => Assert.Contains(Required, SaidOn(CardOf(a))))
                : Flow.Send(AgentSubmit(AgentId, CardSubmit(ticket, TicketVerbs.Resolve, inputs))).AssertReply(a => Assert.Equal(Required, Said(a))))
            .StartTestAsync();

        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task AgentAsks_UserTypesTheAnswer_ThankedAnswerOnTheTicketAndRelayedToTheThread()
    {
        var ticket = await EscalateAsync();

        await Flow
            .Send(Execute(AgentId, CardExecute(ticket, TicketVerbs.Ask, ("question", "Which version of Skype for Business?"))))
            .AssertReply(a => Assert.Contains("Megan Bowen asked the user: Which version of Skype for Business?", SaidOn(CardOf(a))))
            .StartTestAsync();
        Assert.Contains("TB-1001/requester/1", await PendingAsync());
        Assert.Equal("TB-1001", (await _tickets.FindAwaitingAnswerAsync(UserChat))?.Id);

        await Flow
            .Send("16.0.4266, the one from the company portal")
            .AssertReply("Thanks, I've passed your answer on to the helpdesk (ticket **TB-1001**).")
            .Send("Server is temporarily unavailable")
            .AssertReply(Says("Which Office 365 plan"), "answered: the next message is a new paste again")
            .StartTestAsync();

        var stored = (await _tickets.GetAsync("TB-1001"))!;
        var answered = stored.History[^1];
        Assert.Equal((TicketEventKind.UserAnswered, "user1", "16.0.4266, the one from the company portal"), (answered.Kind, answered.By.Id, answered.Text));
        Assert.Null(stored.PendingQuestion);
        Assert.Contains("TB-1001/thread/2", await PendingAsync());
        Assert.Null(await _tickets.FindAwaitingAnswerAsync(UserChat));
    }

    [Fact]
    public async Task AgentAsksWhileTheUserIsInANewTriage_TypedAnswerGoesToTheHelpdeskThenTheTriageGoesOn()
    {
        var ticket = await EscalateAsync();
        await Flow
            .Send("Server is temporarily unavailable")
            .AssertReply(Says("Which Office 365 plan"))
            .StartTestAsync();

        await Flow
            .Send(Execute(AgentId, CardExecute(ticket, TicketVerbs.Ask, ("question", "Does it happen on the web client too?"))))
            .AssertReply(_ => { })
            .StartTestAsync();
        await Flow
            .Send("yes, on the web too")
            .AssertReply("Thanks, I've passed your answer on to the helpdesk (ticket **TB-1001**).")
            .Send("E")
            .AssertReply(Says("Does your organization sign in with its own"), "the triage's question is still the one waiting")
            .StartTestAsync();

        Assert.Equal((TicketEventKind.UserAnswered, "yes, on the web too"), ((await _tickets.GetAsync("TB-1001"))!.History[^1].Kind, (await _tickets.GetAsync("TB-1001"))!.History[^1].Text));
    }

    [Fact]
    public async Task AgentAsksBySubmit_UserAnswersOnTheQuestionCard_Relayed()
    {
        var ticket = await EscalateAsync();
        await Flow
            .Send(AgentSubmit(AgentId, CardSubmit(ticket, TicketVerbs.Ask, ("question", "Since when?"))))
            .AssertNoReply()
            .StartTestAsync();
        var asked = (await _tickets.GetAsync("TB-1001"))!;
        var question = new HelpdeskCards(Texts, Microsoft.Extensions.Options.Options.Create(_options)).Question(asked, asked.PendingQuestion!);

        await Flow
            .Send(UserSubmit(Button(question, "Send answer"), ("answer", "since Monday")))
            .AssertReply("Thanks, I've passed your answer on to the helpdesk (ticket **TB-1001**).")
            .StartTestAsync();

        Assert.Equal((TicketEventKind.UserAnswered, "since Monday"), ((await _tickets.GetAsync("TB-1001"))!.History[^1].Kind, (await _tickets.GetAsync("TB-1001"))!.History[^1].Text));
        Assert.Contains("TB-1001/thread/2", await PendingAsync());
        Assert.Contains("Since when?", Said(Assert.Single(_adapter.Updated)));
    }

    [Fact]
    public async Task QuestionCardSentEmpty_AskedToTypeAndTheQuestionStaysOpen()
    {
        var ticket = await EscalateAsync();
        await AskAsync(ticket, "Since when?");
        var before = await SnapshotAsync();

        await Flow
            .Send(UserSubmit(new { ticketReply = "TB-1001" }, ("answer", "  ")))
            .AssertReply("Please type your answer in the box first, then send it.")
            .StartTestAsync();

        Assert.Equal(before, await SnapshotAsync());
        Assert.Equal("TB-1001", (await _tickets.FindAwaitingAnswerAsync(UserChat))?.Id);
    }

    [Fact]
    public async Task SomeoneElseAnswers_ClosedMessageAndNothingChanges()
    {
        var ticket = await EscalateAsync();
        await AskAsync(ticket, "Since when?");
        var (before, pendingBefore) = (await SnapshotAsync(), await PendingAsync());
        var other = UserSubmit(new { ticketReply = "TB-1001" }, ("answer", "I am not the requester"));
        other.From = new ChannelAccount(StrangerId, "Somebody Else");

        await Flow
            .Send(other)
            .AssertReply(a => Assert.StartsWith("That question is no longer open (ticket **TB-1001**", a.Text))
            .StartTestAsync();

        Assert.Equal(before, await SnapshotAsync());
        Assert.Equal(pendingBefore, await PendingAsync());
        Assert.Equal("TB-1001", (await _tickets.FindAwaitingAnswerAsync(UserChat))?.Id);
    }

    [Fact]
    public async Task AnsweredTwice_SecondAnswerIsClosed()
    {
        var ticket = await EscalateAsync();
        await AskAsync(ticket, "Since when?");

        await Flow
            .Send(UserSubmit(new { ticketReply = "TB-1001" }, ("answer", "since Monday")))
            .AssertReply(Says("I've passed your answer on"))
            .Send(UserSubmit(new { ticketReply = "TB-1001" }, ("answer", "actually since Sunday")))
            .AssertReply(Says("That question is no longer open"))
            .StartTestAsync();

        Assert.Single((await _tickets.GetAsync("TB-1001"))!.History, e => e.Kind == TicketEventKind.UserAnswered);
    }

    [Fact]
    public async Task ResolvedTicket_FurtherActionsAndAnswersAreRefusedAndChangeNothing()
    {
        var ticket = await EscalateAsync();
        await AskAsync(ticket, "Since when?");
        await Flow
            .Send(Execute(AgentId, CardExecute(ticket, TicketVerbs.Resolve, ("note", "Licence re-assigned."))))
            .AssertReply(a =>
            {
                var card = CardOf(a);
                Assert.Contains("Resolved by Megan Bowen", SaidOn(card));
                Assert.False(card.TryGetProperty("actions", out var actions) && actions.GetArrayLength() > 0, "a resolved ticket has no buttons");
            })
            .StartTestAsync();
        Assert.Contains("TB-1001/requester/2", await PendingAsync());
        var (before, pendingBefore) = (await SnapshotAsync(), await PendingAsync());
        _time.Advance(TimeSpan.FromMinutes(5));

        await Flow
            .Send(AgentSubmit(AgentId, CardSubmit(ticket, TicketVerbs.Assign)))
            .AssertReply(a => Assert.Equal("TB-1001 is already resolved. Nothing was changed.", Said(a)))
            .Send(Execute(AgentId, CardExecute(ticket, TicketVerbs.Ask, ("question", "Still there?"))))
            .AssertReply(a => Assert.Contains("TB-1001 is already resolved. Nothing was changed.", SaidOn(CardOf(a))))
            .Send(UserSubmit(new { ticketReply = "TB-1001" }, ("answer", "since Monday")))
            .AssertReply(Says("That question is no longer open (ticket **TB-1001**"))
            .StartTestAsync();

        Assert.Equal(before, await SnapshotAsync());
        Assert.Equal(pendingBefore, await PendingAsync());
    }

    [Fact]
    public async Task AssignedTwiceToTheSameAgent_SecondChangesNothing()
    {
        var ticket = await EscalateAsync();
        await Flow.Send(Execute(AgentId, CardExecute(ticket, TicketVerbs.Assign))).AssertReply(_ => { }).StartTestAsync();
        var (before, pendingBefore) = (await SnapshotAsync(), await PendingAsync());
        _time.Advance(TimeSpan.FromMinutes(1));

        await Flow
            .Send(Execute(AgentId, CardExecute(ticket, TicketVerbs.Assign)))
            .AssertReply(a => Assert.Contains("Assigned to Megan Bowen", SaidOn(CardOf(a))))
            .StartTestAsync();

        Assert.Equal(before, await SnapshotAsync());
        Assert.Equal(pendingBefore, await PendingAsync());
    }

    [Theory]
    [InlineData("TB-9999", "There is no ticket TB-9999.")]
    [InlineData("TB-1001'; DROP TABLE tickets", "There is no ticket TB-1001'; DROP TABLE tickets.")]
    [InlineData("../../escalation/ticket-counter", "There is no ticket ../../escalation/ticket-counter.")]
    [InlineData(null, "There is no ticket .")]
    public async Task StaleOrForgedTicketId_ClearMessageAndNothingChanges(string? ticketId, string expected)
    {
        await EscalateAsync();
        var before = await SnapshotAsync();
        var data = ticketId is null ? new JsonObject() : new JsonObject { ["ticketId"] = ticketId };
        var submit = new JsonObject { [TicketVerbs.SubmitKey] = TicketVerbs.Assign };
        if (ticketId is not null)
        {
            submit["ticketId"] = ticketId;
        }

        await Flow
            .Send(Execute(AgentId, "ticket.assign", data))
            .AssertReply(a =>
            {
                var body = InvokeBody(a);
                Assert.Equal((400, "application/vnd.microsoft.error"), (body.GetProperty("statusCode").GetInt32(), body.GetProperty("type").GetString()));
                Assert.Equal(expected, body.GetProperty("value").GetProperty("message").GetString());
            })
            .Send(AgentSubmit(AgentId, submit))
            .AssertReply(a => Assert.Equal(expected, Said(a)))
            .StartTestAsync();

        Assert.Equal(before, await SnapshotAsync());
        Assert.Empty(_adapter.Updated);
    }

    [Theory]
    [InlineData("TB-9999")]
    [InlineData("not a ticket")]
    public async Task AnswerForAnUnknownTicket_ClosedMessageNoException(string ticketId)
    {
        await EscalateAsync();
        var before = await SnapshotAsync();

        await Flow
            .Send(UserSubmit(new { ticketReply = ticketId }, ("answer", "hello?")))
            .AssertReply(Says("That question is no longer open"))
            .StartTestAsync();

        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task UnknownTicketVerb_ErrorResponseAndNothingChanges()
    {
        var ticket = await EscalateAsync();
        var before = await SnapshotAsync();

        await Flow
            .Send(Execute(AgentId, "ticket.delete", new JsonObject { ["ticketId"] = ticket.Id }))
            .AssertReply(a =>
            {
                Assert.Equal(400, InvokeBody(a).GetProperty("statusCode").GetInt32());
                Assert.Equal("That button does not do anything I know of. Nothing was changed.", InvokeBody(a).GetProperty("value").GetProperty("message").GetString());
            })
            .Send(Execute(AgentId, "something.else", new JsonObject { ["ticketId"] = ticket.Id }))
            .AssertReply(a => Assert.Equal(400, InvokeBody(a).GetProperty("statusCode").GetInt32()))
            .StartTestAsync();

        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task AskDataAlsoCarriesANote_TheQuestionIsWhatIsAsked()
    {
        // Some clients send every input of the card with an action, including the other ShowCard's.
        var ticket = await EscalateAsync();

        await Flow
            .Send(Execute(AgentId, CardExecute(ticket, TicketVerbs.Ask, ("note", "half-typed resolution"), ("question", "Since when?"))))
            .AssertReply(_ => { })
            .StartTestAsync();

        Assert.Equal("Since when?", (await _tickets.GetAsync("TB-1001"))!.PendingQuestion?.Text);
    }

    [Fact]
    public async Task InstalledInTheHelpdeskChannel_MembersOfThatTeamAreAgentsNotOfTheTeamAnActivityNames()
    {
        const string Team = "19:helpdesk-team-general@thread.tacv2";
        _connector.Setup(c => c.GetConversationMemberAsync(It.IsAny<string>(), Team, AgentId, It.IsAny<CancellationToken>())).ReturnsAsync(new ChannelAccount(AgentId));
        _connector.Setup(c => c.GetConversationMemberAsync(It.IsAny<string>(), Team, StrangerId, It.IsAny<CancellationToken>())).ReturnsAsync((ChannelAccount?)null);
        var ticket = await EscalateAsync();
        var forged = Execute(StrangerId, CardExecute(ticket, TicketVerbs.Assign));
        forged.ChannelData = JsonSerializer.SerializeToElement(new { team = new { id = "19:strangers-team@thread.tacv2" } });

        await Flow
            .Send(InstallInHelpdeskChannel(Team))
            .Send(forged)
            .AssertReply(a => Assert.Contains(NotAgent, SaidOn(CardOf(a))))
            .Send(Execute(AgentId, CardExecute(ticket, TicketVerbs.Assign)))
            .AssertReply(a => Assert.Contains("Assigned to Megan Bowen", SaidOn(CardOf(a))))
            .StartTestAsync();

        _connector.Verify(c => c.GetConversationMemberAsync(It.IsAny<string>(), Team, StrangerId, It.IsAny<CancellationToken>()), Times.Once);
        _connector.Verify(c => c.GetConversationMemberAsync(It.IsAny<string>(), It.IsNotIn(Team), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task InstalledInTheHelpdeskChannelAfterAnAgentCheck_TheRecordedTeamTakesEffectAtOnce()
    {
        // Before the install, the channel's own id is the team (the stranger is no member of it); the install
        // records the team the stranger is a member of. The clock stands still: nothing expires in between.
        const string Team = "19:helpdesk-team-general@thread.tacv2";
        _connector.Setup(c => c.GetConversationMemberAsync(It.IsAny<string>(), Team, StrangerId, It.IsAny<CancellationToken>())).ReturnsAsync(new ChannelAccount(StrangerId));
        var ticket = await EscalateAsync();

        await Flow
            .Send(Execute(StrangerId, CardExecute(ticket, TicketVerbs.Assign)))
            .AssertReply(a => Assert.Contains(NotAgent, SaidOn(CardOf(a))))
            .Send(InstallInHelpdeskChannel(Team))
            .Send(Execute(StrangerId, CardExecute(ticket, TicketVerbs.Assign)))
            .AssertReply(a => Assert.Contains("Assigned to Somebody Else", SaidOn(CardOf(a))))
            .StartTestAsync();

        _connector.Verify(c => c.GetConversationMemberAsync(It.IsAny<string>(), HelpdeskChannel, StrangerId, It.IsAny<CancellationToken>()), Times.Once);
        _connector.Verify(c => c.GetConversationMemberAsync(It.IsAny<string>(), Team, StrangerId, It.IsAny<CancellationToken>()), Times.Once);
    }

    /// <summary>The user asks for a human, fills in the form and gets TB-1001.</summary>
    private async Task<Ticket> EscalateAsync()
    {
        var formSubmit = _adapter.MakeActivity();
        await Flow
            .Send("talk to a human")
            .AssertReply(a =>
            {
                Says("Hand this over to the helpdesk", "[Send to the helpdesk]")(a);
                formSubmit.Value = JsonSerializer.SerializeToElement(new
                {
                    triage = "form", flow = Button(a, "Send to the helpdesk").GetProperty("flow").GetString(),
                    signInAddress = "ada@contoso.com", clientApp = "Skype for Business 2016", operatingSystem = "Windows 10",
                    scope = "one", logsAvailable = "yes",
                });
            })
            .Send(formSubmit)
            .AssertReply(Says("ticket **TB-1001**"))
            .StartTestAsync();
        return (await _tickets.GetAsync("TB-1001"))!;
    }

    private async Task AskAsync(Ticket ticket, string question)
    {
        await Flow.Send(Execute(AgentId, CardExecute(ticket, TicketVerbs.Ask, ("question", question)))).AssertReply(_ => { }).StartTestAsync();
        Assert.Equal(question, (await _tickets.GetAsync(ticket.Id))!.PendingQuestion?.Text);
    }

    private static Action<Activity> Says(params string[] fragments) => a =>
    {
        foreach (var f in fragments)
        {
            Assert.Contains(f, Said(a));
        }
    };

    /// <summary>The stored ticket as JSON, ETag included: equal means not written at all.</summary>
    private async Task<string> SnapshotAsync() => JsonSerializer.Serialize(await _tickets.GetAsync("TB-1001"), ProtocolJson.Options);

    private async Task<List<string>> PendingAsync() => (await _outbox.ListPendingAsync()).Select(i => i.Id).ToList();

    private void Member(string user, bool isMember) =>
        _connector.Setup(c => c.GetConversationMemberAsync(It.IsAny<string>(), HelpdeskChannel, user, It.IsAny<CancellationToken>()))
            .ReturnsAsync(isMember ? new ChannelAccount(user, "Megan Bowen") : null);

    /// <summary>The ticket card's Action.Execute and its Action.Submit fallback for <paramref name="verb"/>, as the card renders them.</summary>
    private (JsonObject Execute, JsonObject Submit) CardAction(Ticket ticket, string verb)
    {
        var card = JsonNode.Parse(JsonSerializer.Serialize(new HelpdeskCards(Texts, Microsoft.Extensions.Options.Options.Create(_options)).Render(ticket).Content))!;
        var action = Walk(card).Single(o => (string?)o["verb"] == TicketVerbs.Prefix + verb);
        Assert.Equal("Action.Execute", (string?)action["type"]);
        return (action["data"]!.AsObject(), action["fallback"]!["data"]!.AsObject());

        static IEnumerable<JsonObject> Walk(JsonNode? node) => node switch
        {
            JsonObject o => new[] { o }.Concat(o.SelectMany(p => Walk(p.Value))),
            JsonArray a => a.SelectMany(Walk),
            _ => [],
        };
    }

    private (string Verb, JsonObject Data) CardExecute(Ticket ticket, string verb, params (string Id, string Value)[] inputs) =>
        (TicketVerbs.Prefix + verb, WithInputs(CardAction(ticket, verb).Execute, inputs));

    private JsonObject CardSubmit(Ticket ticket, string verb, params (string Id, string Value)[] inputs) => WithInputs(CardAction(ticket, verb).Submit, inputs);

    private static JsonObject WithInputs(JsonObject data, (string Id, string Value)[] inputs)
    {
        var merged = data.DeepClone().AsObject();
        foreach (var (id, value) in inputs)
        {
            merged[id] = value;
        }

        return merged;
    }

    /// <summary>The bot is installed in the helpdesk channel, of <paramref name="team"/>.</summary>
    private static Activity InstallInHelpdeskChannel(string team) => new()
    {
        Type = ActivityTypes.InstallationUpdate,
        Action = "add",
        From = new ChannelAccount("29:admin"),
        Conversation = new ConversationAccount(HelpdeskChannel, isGroup: true),
        ChannelData = JsonSerializer.SerializeToElement(new { team = new { id = team }, channel = new { id = HelpdeskChannel } }),
    };

    /// <summary>An agent presses an Action.Execute button on the card in the helpdesk thread.</summary>
    private static Activity Execute(string user, (string Verb, JsonObject Data) action) => Execute(user, action.Verb, action.Data);

    private static Activity Execute(string user, string verb, JsonObject data) => new()
    {
        Type = ActivityTypes.Invoke,
        Name = "adaptiveCard/action",
        From = new ChannelAccount(user, user == AgentId ? "Megan Bowen" : "Somebody Else"),
        Conversation = new ConversationAccount(Thread, isGroup: true),
        ReplyToId = CardId,
        ChannelData = JsonSerializer.SerializeToElement(new { channel = new { id = HelpdeskChannel } }),
        Value = JsonSerializer.SerializeToElement(new JsonObject
        {
            ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = verb, ["data"] = data.DeepClone() },
            ["trigger"] = "manual",
        }),
    };

    /// <summary>An agent presses the Action.Submit fallback on the card in the helpdesk thread.</summary>
    private static Activity AgentSubmit(string user, JsonObject value) => new()
    {
        Type = ActivityTypes.Message,
        From = new ChannelAccount(user, user == AgentId ? "Megan Bowen" : "Somebody Else"),
        Conversation = new ConversationAccount(Thread, isGroup: true),
        ReplyToId = CardId,
        ChannelData = JsonSerializer.SerializeToElement(new { channel = new { id = HelpdeskChannel } }),
        Value = JsonSerializer.SerializeToElement(value),
    };

    /// <summary>The user presses a button of a card in their chat, with the card's inputs filled in.</summary>
    private Activity UserSubmit(object data, params (string Id, string Value)[] inputs)
    {
        var activity = _adapter.MakeActivity();
        activity.Value = JsonSerializer.SerializeToElement(WithInputs(JsonSerializer.SerializeToNode(data)!.AsObject(), inputs));
        return activity;
    }

    private static JsonElement InvokeBody(Activity reply)
    {
        Assert.Equal(ActivityTypes.InvokeResponse, reply.Type);
        var response = reply.Value!.Value;
        Assert.Equal(200, response.GetProperty("status").GetInt32());
        return response.GetProperty("body");
    }

    /// <summary>The card of a Universal Actions response (200, adaptive card).</summary>
    private static JsonElement CardOf(Activity reply)
    {
        var body = InvokeBody(reply);
        Assert.Equal((200, "application/vnd.microsoft.card.adaptive"), (body.GetProperty("statusCode").GetInt32(), body.GetProperty("type").GetString()));
        return body.GetProperty("value");
    }

    private static string SaidOn(JsonElement card) =>
        TriageBotFactory.Said(new Activity { Attachments = [new Attachment { ContentType = TriageCards.ContentType, Content = card }] });
}
