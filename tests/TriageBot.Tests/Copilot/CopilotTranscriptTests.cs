using Microsoft.Extensions.Time.Testing;
using Moq;
using TriageBot.Escalation;
using TriageBot.Protocol.Builder;
using TriageBot.Protocol.Connector;
using TriageBot.Protocol.Schema;
using TriageBot.Tests.Dialogs;
using static TriageBot.Tests.Copilot.CopilotTestSupport;

namespace TriageBot.Tests.Copilot;

/// <summary>
/// The agents' side in conversation: the co-pilot card (<c>triage &lt;text&gt;</c>, an agent's mention in the helpdesk
/// channel, "Next candidate"), and the ticket commands (<c>tickets</c>, <c>ticket TB-1001</c>) with the agent check.
/// </summary>
public sealed class CopilotTranscriptTests
{
    private const string HelpdeskChannel = "19:helpdesk@thread.tacv2";
    private const string HelpdeskTeam = "19:helpdesk-team@thread.tacv2";
    private const string Paste = "Skype for Business says: Server is temporarily unavailable";

    private static readonly ChannelAccount Agent = new("user1", "Grace Hopper");
    private static readonly ChannelAccount NotAgent = new("user2", "Bob");

    private readonly MemoryStorage _storage = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero));
    private readonly Mock<IConnectorClient> _connector = new(MockBehavior.Strict);

    public CopilotTranscriptTests()
    {
        // Teams' answer to "is this person a member of the helpdesk team?"
        _connector.Setup(c => c.GetConversationMemberAsync(It.IsAny<string>(), HelpdeskTeam, Agent.Id!, It.IsAny<CancellationToken>())).ReturnsAsync(Agent);
        _connector.Setup(c => c.GetConversationMemberAsync(It.IsAny<string>(), HelpdeskTeam, NotAgent.Id!, It.IsAny<CancellationToken>())).ReturnsAsync((ChannelAccount?)null);
    }

    private (TestFlow Flow, TestAdapter Adapter) Bot(string locale = "en-US") =>
        TriageBotFactory.Create(locale, _storage, _connector.Object, new EscalationOptions { HelpdeskChannelId = HelpdeskChannel, HelpdeskTeamId = HelpdeskTeam }, _time) is var (flow, adapter, _)
            ? (flow, adapter)
            : throw new InvalidOperationException();

    private static Activity Message(TestAdapter adapter, string text, ChannelAccount? from = null, string? conversationId = null)
    {
        var activity = adapter.MakeActivity(text);
        activity.From = from;
        if (conversationId is not null)
        {
            activity.Conversation = new ConversationAccount(conversationId, isGroup: true) { ConversationType = "channel" };
        }
        return activity;
    }

    [Fact]
    public async Task Triage_PastedText_AnswersWithTheCopilotCardNotTheEndUserDialog()
    {
        var (flow, adapter) = Bot();
        Activity? card = null;

        await flow.Send("triage " + Paste)
            .AssertReply(reply => card = reply, "the co-pilot card")
            // The user's dialog did not start: a typed "E" is not the answer to its plan question but a new paste.
            .Send("E")
            .AssertReply(reply => Assert.StartsWith("I couldn't find that", TriageBotFactory.Said(reply), StringComparison.Ordinal))
            .StartTestAsync();

        var texts = Texts(Card(card!));
        Assert.Equal("Co-pilot: candidate 1 of 5", texts[0]);
        Assert.Contains(Paste, texts);
        Assert.StartsWith("1. Server is temporarily unavailable · ", texts.Single(t => t.StartsWith("1. Server", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains(texts, t => t.StartsWith("matched: \"", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.StartsWith("Candidate 1: Server is temporarily unavailable (score ", StringComparison.Ordinal));
        // The questions the documented causes depend on, in the flow's order, with their answers.
        var questions = texts.SkipWhile(t => t != "Ask the user").Skip(1).TakeWhile(t => !t.StartsWith("Fix steps", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, questions.Count);
        Assert.StartsWith("1. Which Office 365 plan is your organization on?", questions[0], StringComparison.Ordinal);
        Assert.EndsWith(" — *Plan E (Enterprise) / Plan P (Professional / small business)*", questions[0], StringComparison.Ordinal);
        Assert.StartsWith("2. Does your organization sign in with its own (custom) domain", questions[1], StringComparison.Ordinal);
        Assert.StartsWith("3. Does your organization use single sign-on with AD FS", questions[2], StringComparison.Ordinal);
        // The fix steps of the most likely cause, and every documented cause (none is ruled out by this paste).
        Assert.Contains("Fix steps to send, for the most likely cause: No DNS record found, or Lync server isn't responding.", texts);
        var causes = texts.SkipWhile(t => t != "Documented causes not ruled out").Skip(1).ToList();
        Assert.Equal(3, causes.Count(c => c.Contains("(fix: ", StringComparison.Ordinal)));
        Assert.Contains(causes, c => c.Contains("(fix: Update DNS settings)", StringComparison.Ordinal));
        Assert.Equal("[Next candidate]", texts[^1]);
        var next = ButtonData(card!, "Next candidate");
        Assert.Equal(("show", 1, Paste), (next.GetProperty("copilot").GetString(), next.GetProperty("index").GetInt32(), next.GetProperty("text").GetString()));
        Assert.Contains("Ask the user:", card!.Summary);
    }

    [Fact]
    public async Task Triage_ShowsMatchedPhrasesOnlyInThePastesLanguage()
    {
        const string english = "skype sign in fails, server not reachable, DNS maybe";
        // The matcher's own view: a low candidate's best phrase is a German one sharing "server" with the paste.
        var foreign = TriageBotFactory.Matcher.Match(english).Candidates.Where(c => !c.MatchedLocale!.StartsWith("en", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(foreign);
        Assert.Contains(TriageBotFactory.Matcher.Match(english).Candidates, c => c.MatchedLocale!.StartsWith("en", StringComparison.Ordinal));
        var (flow, _) = Bot();
        Activity? card = null;

        await flow.Send("triage " + english).AssertReply(reply => card = reply, "the co-pilot card").StartTestAsync();

        var matched = Texts(Card(card!)).Where(t => t.StartsWith("matched: ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(matched);
        Assert.DoesNotContain(matched, line => foreign.Any(c => c.MatchedPhrases.Any(p => line.Contains(p, StringComparison.Ordinal))));
    }

    [Fact]
    public async Task NextCandidate_ReplacesTheCardWithTheSecondCandidate_AndTheLastOneLeadsBack()
    {
        var (flow, adapter) = Bot();
        Activity? first = null;
        var press = adapter.MakeActivity();

        await flow.Send("triage " + Paste)
            .AssertReply(reply =>
            {
                first = reply;
                press.Value = ButtonData(reply, "Next candidate");
                press.ReplyToId = reply.Id;
            })
            .Send(press)
            .AssertNoReply("the card is replaced, nothing new is sent")
            .StartTestAsync();

        var second = adapter.Sent.Single(a => a.Id == first!.Id);
        Assert.NotSame(first, second);
        var texts = Texts(Card(second));
        Assert.Equal("Co-pilot: candidate 2 of 5", texts[0]);
        // The detail is the second of the ranked list the card shows ("2. <message> · <score>").
        var ranked = texts.Single(t => t.StartsWith("2. ", StringComparison.Ordinal));
        var secondMessage = ranked[3..ranked.LastIndexOf(" · ", StringComparison.Ordinal)];
        Assert.Contains(texts, t => t.StartsWith("Candidate 2: " + secondMessage, StringComparison.Ordinal));
        Assert.DoesNotContain(texts, t => t.StartsWith("Candidate 1: ", StringComparison.Ordinal));
        Assert.Equal(2, ButtonData(second, "Next candidate").GetProperty("index").GetInt32());

        // The last candidate's button goes back to the first.
        var last = TriageBotFactory.CopilotCards().Copilot(Paste, 4, "en-US");
        Assert.Equal("Co-pilot: candidate 5 of 5", Texts(Card(last))[0]);
        Assert.Equal(0, ButtonData(last, "Back to the first candidate").GetProperty("index").GetInt32());
    }

    [Fact]
    public async Task NextCandidate_WithoutACardToReplace_SendsTheCard()
    {
        var (flow, _) = Bot();

        await flow.SendSubmit(new { copilot = "show", index = 1, text = Paste })
            .AssertReply(reply => Assert.Equal("Co-pilot: candidate 2 of 5", Texts(Card(reply))[0]))
            .StartTestAsync();
    }

    [Theory]
    [InlineData("triage")]
    [InlineData("Triage:")]
    public async Task Triage_WithoutText_SaysWhatToPaste(string message)
    {
        var (flow, _) = Bot();

        await flow.Send(message)
            .AssertReply("Put the pasted text after the word: **triage** *the user's error text*.")
            .StartTestAsync();
    }

    [Fact]
    public async Task Triage_ChineseCommandWord_GivesTheCopilotCardWithTheDocumentsInChinese()
    {
        var (flow, _) = Bot();

        await flow.Send("分诊 找不到登录地址")
            .AssertReply(reply =>
            {
                var texts = Texts(Card(reply));
                Assert.Equal("Co-pilot: candidate 1 of 5", texts[0]);
                // A simplified Chinese paste gets the simplified Chinese documents (zh-CN), not the traditional ones.
                Assert.Contains(texts, t => t.StartsWith("1. 找不到的登录地址 · ", StringComparison.Ordinal));
                Assert.Contains(texts, t => t.Contains("Office 365 计划", StringComparison.Ordinal));
                Assert.DoesNotContain(texts, t => t.Contains("Office 365 方案", StringComparison.Ordinal));
            })
            .StartTestAsync();
    }

    [Fact]
    public async Task Triage_NothingDocumented_SaysSoWithTheCommonCausesAndNoButton()
    {
        var (flow, _) = Bot();

        await flow.Send("triage my printer is out of toner")
            .AssertReply(reply =>
            {
                var texts = Texts(Card(reply));
                Assert.Equal("TriageBot co-pilot", texts[0]);
                Assert.Contains("No documented error matches this text. Ask the user for the exact error text. The documents' common causes:", texts);
                Assert.Contains("- Forgotten password", texts);
                Assert.Empty(Actions(Card(reply)));
            })
            .StartTestAsync();
    }

    [Fact]
    public async Task HelpdeskChannel_AgentMentionsTheBotWithAPaste_GetsTheCopilot()
    {
        var (flow, adapter) = Bot();

        await flow.Send(Message(adapter, Paste, Agent, HelpdeskChannel + ";messageid=1700000000001"))
            .AssertReply(reply => Assert.Equal("Co-pilot: candidate 1 of 5", Texts(Card(reply))[0]))
            .StartTestAsync();
    }

    [Fact]
    public async Task HelpdeskChannel_AgentPasteThatContainsACommandPhrase_IsStillAPaste_ButHelpIsHelp()
    {
        var (flow, adapter) = Bot();
        const string Thread = HelpdeskChannel + ";messageid=1700000000004";

        // "a person" and "停止" are commands inside a short end-user message; an agent's paste is a paste.
        await flow.Send(Message(adapter, "a person in accounting says: Sign-in address not found", Agent, Thread))
            .AssertReply(reply => Assert.StartsWith("Co-pilot: candidate 1 of ", Texts(Card(reply))[0], StringComparison.Ordinal))
            .Send(Message(adapter, "找不到登录地址，停止了", Agent, Thread))
            .AssertReply(reply => Assert.StartsWith("Co-pilot: candidate 1 of ", Texts(Card(reply))[0], StringComparison.Ordinal))
            .Send(Message(adapter, "help", Agent, Thread))
            .AssertReply(TriageBotFactory.Texts.Get("help", "en-us"))
            .StartTestAsync();
    }

    [Fact]
    public async Task HelpdeskChannel_NonAgentMentionsTheBot_GetsTheEndUserTriage()
    {
        var (flow, adapter) = Bot();

        await flow.Send(Message(adapter, Paste, NotAgent, HelpdeskChannel + ";messageid=1700000000002"))
            .AssertReply(reply => Assert.Contains("Which Office 365 plan is your organization on?", TriageBotFactory.Said(reply)), "the end user's first question")
            .StartTestAsync();
    }

    [Fact]
    public async Task OtherChannel_AgentMentionsTheBot_GetsTheEndUserTriage_ButTriageStillGivesTheCopilot()
    {
        var (flow, adapter) = Bot();
        const string Elsewhere = "19:general@thread.tacv2;messageid=1700000000003";

        await flow.Send(Message(adapter, Paste, Agent, Elsewhere))
            .AssertReply(reply => Assert.Contains("Which Office 365 plan is your organization on?", TriageBotFactory.Said(reply)))
            .Send(Message(adapter, "triage " + Paste, Agent, Elsewhere))
            .AssertReply(reply => Assert.Equal("Co-pilot: candidate 1 of 5", Texts(Card(reply))[0]))
            .StartTestAsync();
    }

    [Fact]
    public async Task Tickets_Agent_ListsOpenTicketsNewestFirstWithStatusAndAge()
    {
        var (flow, _) = Bot();
        await CreateTicketsAsync();

        await flow.Send("tickets")
            .AssertReply(reply =>
            {
                var card = Card(reply);
                Assert.Equal(
                [
                    "Open tickets: 3, newest first",
                    "TB-1003: Sign-in address not found",
                    "Open · waiting for an agent · opened 10 min ago · Carol",
                    "[Show TB-1003]",
                    "TB-1002: Server is temporarily unavailable",
                    "Assigned to Grace Hopper · opened 22 h ago · Bob",
                    "[Show TB-1002]",
                    "TB-1001: Forgotten password",
                    "Open · waiting for an agent · opened 3 days ago · Ada",
                    "[Show TB-1001]",
                ], Texts(card));
                Assert.Equal(["TB-1003", "TB-1002", "TB-1001"], Actions(card).Select(a => a.GetProperty("data").GetProperty("ticketId").GetString()));
                Assert.Contains("TB-1002: Server is temporarily unavailable · Assigned to Grace Hopper", reply.Summary);
            })
            .StartTestAsync();
    }

    [Fact]
    public async Task Tickets_ResolvedOnesAreNotListed_AndNoneOpenSaysSo()
    {
        var (flow, _) = Bot();
        var store = new TicketStore(_storage, new Outbox(_storage, []), _time);
        var ticket = await store.CreateAsync(Request("Ada", "Forgotten password"), "k1");
        await store.UpdateAsync(ticket.Id, t => t.Resolve(new TicketPerson(Agent.Id!, Agent.Name), "reset", _time.GetUtcNow()));

        await flow.Send("Tickets")
            .AssertReply("There are no open tickets.")
            .StartTestAsync();
    }

    [Fact]
    public async Task Ticket_Agent_ShowsTheTicketCardWithItsActions()
    {
        var (flow, _) = Bot();
        await CreateTicketsAsync();

        await flow.Send("ticket TB-1001")
            .AssertReply(reply =>
            {
                var texts = Texts(Card(reply));
                Assert.Equal("TB-1001: Forgotten password", texts[0]);
                Assert.Contains("Open · waiting for an agent", texts);
                Assert.Contains("I forgot my password", texts);
                var verbs = Actions(Card(reply)).Where(a => a.GetProperty("type").GetString() == "Action.Execute").Select(a => a.GetProperty("verb").GetString()).ToList();
                Assert.Contains("ticket.assign", verbs);
                Assert.Contains("ticket.resolve", verbs);
                Assert.Contains("ticket.ask", verbs);
            })
            .Send("ticket 1002")
            .AssertReply(reply => Assert.Equal("TB-1002: Server is temporarily unavailable", Texts(Card(reply))[0]), "the id without its prefix")
            .Send("工单 tb-1003")
            .AssertReply(reply => Assert.Equal("TB-1003: Sign-in address not found", Texts(Card(reply))[0]), "the Chinese word, lower-case id")
            .Send("ticket TB-9999")
            .AssertReply("There is no ticket TB-9999.")
            .StartTestAsync();
    }

    [Fact]
    public async Task TicketList_ShowButton_ShowsThatTicket()
    {
        var (flow, adapter) = Bot();
        await CreateTicketsAsync();
        var press = adapter.MakeActivity();

        await flow.Send("offene tickets")
            .AssertReply(reply => press.Value = ButtonData(reply, "Show TB-1002"))
            .Send(press)
            .AssertReply(reply => Assert.Equal("TB-1002: Server is temporarily unavailable", Texts(Card(reply))[0]))
            .StartTestAsync();
    }

    [Fact]
    public async Task TicketList_ShowButtonWithAForgedId_SaysThereIsNoSuchTicket()
    {
        var (flow, _) = Bot();

        await flow.SendSubmit(new { copilot = "ticket", ticketId = "../counter" })
            .AssertReply("There is no ticket ../counter.")
            .StartTestAsync();
    }

    [Fact]
    public async Task Tickets_NonAgent_IsRefusedClearly_AndSeesNoTicket()
    {
        var (flow, adapter) = Bot();
        await CreateTicketsAsync();

        await flow.Send(Message(adapter, "tickets", NotAgent))
            .AssertReply("Only helpdesk agents can see tickets.")
            .Send(Message(adapter, "ticket TB-1001", NotAgent))
            .AssertReply("Only helpdesk agents can see tickets.")
            .SendSubmit(new { copilot = "ticket", ticketId = "TB-1001" })
            .AssertReply(reply => Assert.Equal("TB-1001: Forgotten password", Texts(Card(reply))[0]), "the agent (user1) may")
            .Send(Message(adapter, "Tickets", NotAgent))
            .AssertReply("Only helpdesk agents can see tickets.")
            .StartTestAsync();
    }

    [Fact]
    public async Task Tickets_TeamsCannotSayWhoIsAnAgent_SaysTryAgain()
    {
        var (flow, adapter) = Bot();
        var stranger = new ChannelAccount("user3", "Eve");
        _connector.Setup(c => c.GetConversationMemberAsync(It.IsAny<string>(), HelpdeskTeam, "user3", It.IsAny<CancellationToken>()))
            .ThrowsAsync(new HttpRequestException("connector down"));

        await flow.Send(Message(adapter, "tickets", stranger))
            .AssertReply(TriageBotFactory.Texts.Get("helpdesk-check-failed", "en-us"))
            .StartTestAsync();
    }

    [Theory]
    [InlineData("tickets are not working for me")]
    [InlineData("ticket please")]
    [InlineData("triaged")]
    public async Task WordsInsideAnEndUsersMessage_AreNotAgentCommands(string message)
    {
        var (flow, _) = Bot();

        await flow.Send(message)
            .AssertReply(reply => Assert.DoesNotContain("Co-pilot", reply.Summary ?? reply.Text ?? ""), "the end user's triage")
            .StartTestAsync();
    }

    /// <summary>Three open tickets opened 3 days, 22 hours and 10 minutes before now; the middle one assigned to Grace.</summary>
    private async Task CreateTicketsAsync()
    {
        var store = new TicketStore(_storage, new Outbox(_storage, []), _time);
        await store.CreateAsync(Request("Ada", "Forgotten password", "I forgot my password"), "k1");
        _time.Advance(TimeSpan.FromHours(50));
        var second = await store.CreateAsync(Request("Bob", "Server is temporarily unavailable"), "k2");
        await store.UpdateAsync(second.Id, t => t.Assign(new TicketPerson(Agent.Id!, Agent.Name), _time.GetUtcNow()));
        _time.Advance(TimeSpan.FromHours(21) + TimeSpan.FromMinutes(50));
        await store.CreateAsync(Request("Carol", "Sign-in address not found"), "k3");
        _time.Advance(TimeSpan.FromMinutes(10));
    }

    private static TicketRequest Request(string name, string message, string pasted = "error") => new()
    {
        Requester = new TicketRequester { Id = "29:" + name.ToLowerInvariant(), Name = name },
        Pasted = pasted,
        Message = message,
        Summary = "from a test",
    };
}
