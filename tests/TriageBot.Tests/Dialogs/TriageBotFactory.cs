using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using TriageBot.Bots;
using TriageBot.Cards;
using TriageBot.Core.Knowledge;
using TriageBot.Core.Matching;
using TriageBot.Core.Triage;
using TriageBot.Dialogs;
using TriageBot.Escalation;
using TriageBot.Protocol.Builder;
using TriageBot.Protocol.Schema;
using TriageBot.Testing;

namespace TriageBot.Tests.Dialogs;

/// <summary>The real bot wired by hand over in-memory state, for transcript tests.</summary>
internal static class TriageBotFactory
{
    private static readonly Lazy<Catalog> LazyCatalog = new(() => CatalogBuilder.Build(RepositoryPaths.Knowledge));
    private static readonly Lazy<ErrorMatcher> LazyMatcher = new(() => new ErrorMatcher(LazyCatalog.Value));
    private static readonly Lazy<FlowSet> LazyFlows = new(() => FlowLoader.Load(RepositoryPaths.Dialogs, LazyCatalog.Value));
    private static readonly Lazy<BotTexts> LazyTexts = new(() => BotTexts.Load(RepositoryPaths.Dialogs));
    private static readonly Lazy<AgentCommands> LazyAgentCommands = new(() => AgentCommands.Load(RepositoryPaths.Dialogs));

    public static Catalog Catalog => LazyCatalog.Value;

    public static BotTexts Texts => LazyTexts.Value;

    public static FlowSet Flows => LazyFlows.Value;

    public static TriageCards Cards => new(Catalog, Texts);

    public static AgentCommands AgentCommands => LazyAgentCommands.Value;

    public static ErrorMatcher Matcher => LazyMatcher.Value;

    /// <summary>The agents' cards, with the helpdesk settings <paramref name="options"/>.</summary>
    public static CopilotCards CopilotCards(EscalationOptions? options = null) =>
        new(Catalog, Matcher, new TriagePlanner(Catalog, Flows), Cards, Texts, Microsoft.Extensions.Options.Options.Create(options ?? new EscalationOptions()));

    public static (TestFlow Flow, TestAdapter Adapter, IBot Bot) Create(string locale = "en-US", IStorage? storage = null) =>
        Create(locale, storage, connector: null, options: null);

    /// <summary>
    /// The bot with the helpdesk side too: <paramref name="connector"/> answers the agent checks (team membership),
    /// <paramref name="options"/> names the helpdesk. The outbox has the requester and thread channels.
    /// </summary>
    public static (TestFlow Flow, TestAdapter Adapter, IBot Bot) Create(string locale, IStorage? storage, Protocol.Connector.IConnectorClient? connector, EscalationOptions? options, TimeProvider? time = null)
    {
        storage ??= new MemoryStorage();
        time ??= TimeProvider.System;
        var escalation = Microsoft.Extensions.Options.Options.Create(options ?? new EscalationOptions());
        var conversationState = new ConversationState(storage);
        var tickets = new TicketStore(storage, new Outbox(storage, options is null ? [] : [Outbox.RequesterChannel, ChannelCardDelivery.ChannelName, Outbox.ThreadChannel]), time);
        var dialog = new TriageDialog(Catalog, LazyMatcher.Value, new TriagePlanner(Catalog, Flows), Cards, Texts,
            conversationState, tickets, NullLogger<TriageDialog>.Instance);
        var agents = new HelpdeskAgents(connector ?? new Moq.Mock<Protocol.Connector.IConnectorClient>(Moq.MockBehavior.Strict).Object, storage, escalation, time, NullLogger<HelpdeskAgents>.Instance);
        var helpdesk = new HelpdeskTurns(new TicketActions(tickets, agents), tickets, new HelpdeskCards(Texts, escalation), Texts, escalation, NullLogger<HelpdeskTurns>.Instance);
        var planner = new TriagePlanner(Catalog, Flows);
        var copilot = new CopilotTurns(AgentCommands, new CopilotCards(Catalog, LazyMatcher.Value, planner, Cards, Texts, escalation), new ErrorSearch(Catalog, LazyMatcher.Value, planner),
            agents, tickets, new HelpdeskCards(Texts, escalation), Texts, escalation, time, NullLogger<CopilotTurns>.Instance);
        var bot = new TriageActivityHandler(dialog, Texts, storage, conversationState, helpdesk, copilot, escalation, agents, NullLogger<TriageActivityHandler>.Instance);
        var adapter = new TestAdapter("conv-" + Guid.NewGuid().ToString("N")[..8], locale);
        return (new TestFlow(adapter, bot), adapter, bot);
    }

    /// <summary>What a person reads in a reply: its text, or its card's text blocks and buttons.</summary>
    public static string Said(Activity activity)
    {
        if (activity.Attachments is not { Count: > 0 } attachments)
        {
            return activity.Text ?? "";
        }
        var parts = new List<string>();
        void Walk(JsonElement e)
        {
            if (e.ValueKind == JsonValueKind.Object)
            {
                var type = e.TryGetProperty("type", out var t) ? t.GetString() : null;
                if (type == "TextBlock")
                {
                    parts.Add(e.GetProperty("text").GetString()!);
                }
                if (type == "Action.Submit")
                {
                    parts.Add("[" + e.GetProperty("title").GetString() + "]");
                }
                foreach (var p in e.EnumerateObject())
                {
                    Walk(p.Value);
                }
            }
            else if (e.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in e.EnumerateArray())
                {
                    Walk(item);
                }
            }
        }
        foreach (var attachment in attachments)
        {
            Walk((JsonElement)attachment.Content!);
        }
        return string.Join("\n", parts);
    }

    /// <summary>The data of the card button titled <paramref name="title"/>: what pressing it sends.</summary>
    public static JsonElement Button(Activity activity, string title)
    {
        var card = (JsonElement)activity.Attachments!.Single().Content!;
        foreach (var action in card.GetProperty("actions").EnumerateArray())
        {
            var shown = action.GetProperty("title").GetString()!;
            if (shown == title || (shown.EndsWith('…') && title.StartsWith(shown[..^1], StringComparison.Ordinal)))
            {
                return action.GetProperty("data").Clone();
            }
        }
        throw new InvalidOperationException($"no button '{title}' on the card:\n{Said(activity)}");
    }
}
