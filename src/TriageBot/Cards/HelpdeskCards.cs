using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using TriageBot.Dialogs;
using TriageBot.Escalation;
using TriageBot.Protocol.Schema;

namespace TriageBot.Cards;

/// <summary>What the helpdesk card's buttons send: the verbs of Action.Execute, and the Action.Submit fallback's data.</summary>
public static class TicketVerbs
{
    /// <summary>Prefix of every ticket verb (<c>adaptiveCard/action</c> <c>verb</c>).</summary>
    public const string Prefix = "ticket.";
    public const string Assign = "assign";
    public const string Resolve = "resolve";
    public const string Ask = "ask";
    public const string Refresh = "refresh";

    /// <summary>Action.Submit fallback: <c>{"ticketAction": "assign", "ticketId": "TB-1001"}</c>.</summary>
    public const string SubmitKey = "ticketAction";

    /// <summary>The user's answer to a helpdesk question: <c>{"ticketReply": "TB-1001", "answer": "..."}</c>.</summary>
    public const string ReplyKey = "ticketReply";
}

/// <summary>
/// The cards of the hand-over after the ticket exists: the helpdesk's ticket card (facts, answers, fixes
/// tried, history, and the agent actions as Action.Execute with an Action.Submit fallback and a refresh),
/// and the helpdesk's question as the user sees it. Agents read the helpdesk language
/// (<see cref="EscalationOptions.HelpdeskLocale"/>); users their own.
/// </summary>
public sealed class HelpdeskCards(BotTexts texts, IOptions<EscalationOptions> options) : ITicketCardRenderer
{
    private const int MaxPasted = 1500;
    private const int MaxHistory = 12;

    // Teams refuses a message over about 28 KB as sent (JSON, non-ASCII escaped): long texts are shown shortened,
    // more each time, until the card fits. The stored ticket and the webhook keep them whole.
    private const int MaxCardBytes = 24 * 1024;
    private const int MinTextLength = 40;
    private static readonly CardTemplate TicketTemplate = CardTemplate.Load("ticket");
    private static readonly CardTemplate AskTemplate = CardTemplate.Load("ask");

    private string Locale => options.Value.HelpdeskLocale;

    public Attachment Render(Ticket ticket) => Render(ticket, banner: null);

    /// <summary>The ticket card; <paramref name="banner"/> is shown on top (an error for the agent who pressed a button).</summary>
    public Attachment Render(Ticket ticket, string? banner)
    {
        var card = Bind(ticket, banner, TicketActions.MaxText);
        for (var max = TicketActions.MaxText / 2; max >= MinTextLength && JsonSerializer.SerializeToUtf8Bytes(card, ProtocolJson.Options).Length > MaxCardBytes; max /= 2)
        {
            card = Bind(ticket, banner, max);
        }

        return new() { ContentType = TriageCards.ContentType, Content = JsonSerializer.SerializeToElement(card) };
    }

    /// <summary>The card as a message, with a plain-text summary for clients without cards.</summary>
    public Activity Message(Ticket ticket, string? banner = null)
    {
        var activity = Activity.CreateMessageActivity();
        activity.Attachments = [Render(ticket, banner)];
        activity.Summary = Summary(ticket, banner);
        return activity;
    }

    /// <summary>A one-line description of the ticket and its status, for summaries and lists.</summary>
    public string Summary(Ticket ticket, string? banner = null)
    {
        var text = new StringBuilder();
        if (banner is not null)
        {
            text.AppendLine(banner);
        }
        text.Append(Title(ticket)).Append(" · ").Append(Status(ticket).Text);
        return text.ToString();
    }

    /// <summary>An error or notice for an agent, as a small card (for the Action.Submit fallback, where no card can be replaced).</summary>
    public Activity Notice(string text)
    {
        var activity = Activity.CreateMessageActivity();
        activity.Attachments =
        [
            new Attachment
            {
                ContentType = TriageCards.ContentType,
                Content = JsonSerializer.SerializeToElement(new JsonObject
                {
                    ["type"] = "AdaptiveCard",
                    ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
                    ["version"] = "1.5",
                    ["body"] = new JsonArray(new JsonObject
                    {
                        ["type"] = "Container",
                        ["style"] = "attention",
                        ["items"] = new JsonArray(new JsonObject { ["type"] = "TextBlock", ["text"] = text, ["wrap"] = true, ["weight"] = "Bolder" }),
                    }),
                }),
            },
        ];
        activity.Summary = text;
        return activity;
    }

    /// <summary>The helpdesk's question as the user sees it, in the user's language, with an answer box.</summary>
    public Activity Question(Ticket ticket, TicketEvent asked)
    {
        var locale = ticket.Request.Language;
        string L(string id, params (string, string)[] values) => texts.Get(id, locale, values);
        var heading = L("ticket-asked", ("agent", Name(asked.By)), ("id", ticket.Id));
        var data = new JsonObject
        {
            ["heading"] = heading,
            ["question"] = asked.Text ?? "",
            ["hint"] = L("ticket-asked-hint"),
            ["labels"] = new JsonObject
            {
                ["answer"] = L("ticket-answer-label"),
                ["answerRequired"] = L("ticket-answer-empty"),
                ["send"] = L("ticket-answer-send"),
            },
            ["submit"] = new JsonObject { [TicketVerbs.ReplyKey] = ticket.Id },
        };
        var activity = Activity.CreateMessageActivity();
        activity.Attachments = [new Attachment { ContentType = TriageCards.ContentType, Content = JsonSerializer.SerializeToElement(AskTemplate.Bind(data)) }];
        activity.Summary = $"{heading}\n{asked.Text}\n{L("ticket-asked-hint")}";
        return activity;
    }

    /// <summary>What a history event says, in the helpdesk language.</summary>
    public string EventText(TicketEvent e, int maxText = int.MaxValue) =>
        texts.Get("helpdesk-event-" + e.Kind, Locale,
            ("time", e.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)),
            ("who", Name(e.By)),
            ("text", Shorten(e.Text ?? "", maxText)));

    internal static string Name(TicketPerson person) => string.IsNullOrWhiteSpace(person.Name) ? person.Id : person.Name;

    private string Title(Ticket ticket) =>
        texts.Get("helpdesk-title", Locale, ("id", ticket.Id), ("message", ticket.Request.Message ?? texts.Get(NoMessage(ticket.Request), Locale)));

    /// <summary>What stands for the documented error when there is none: nothing matched, or nothing was pasted.</summary>
    private static string NoMessage(TicketRequest request) =>
        string.IsNullOrWhiteSpace(request.Pasted) ? "helpdesk-nothing-pasted" : "helpdesk-no-match";

    private (string Text, string Color) Status(Ticket ticket) => ticket.Status switch
    {
        TicketStatus.Resolved => (texts.Get("helpdesk-status-resolved", Locale, ("agent", Name(ResolvedBy(ticket)))), "Good"),
        TicketStatus.Assigned when ticket.Assignee is { } agent => (texts.Get("helpdesk-status-assigned", Locale, ("agent", Name(agent))), "Accent"),
        _ => (texts.Get("helpdesk-status-open", Locale), "Warning"),
    };

    private static TicketPerson ResolvedBy(Ticket ticket) =>
        ticket.History.LastOrDefault(e => e.Kind == TicketEventKind.Resolved)?.By ?? ticket.Assignee ?? new TicketPerson("?");

    /// <summary>The card's data; every text from the ticket is cut at <paramref name="max"/> characters.</summary>
    private JsonObject Bind(Ticket ticket, string? banner, int max)
    {
        string? Cut(string? text) => text is null ? null : Shorten(text, max);
        string L(string id) => texts.Get(id, Locale);
        var request = ticket.Request;
        var form = request.Form;
        var requester = request.Requester;
        (string Title, string? Value)[] facts =
        [
            (L("helpdesk-user"), Cut(requester.Name is { Length: > 0 } name ? $"{name} ({requester.Id})" : requester.Id)),
            (L("helpdesk-sign-in-address"), Cut(form.SignInAddress)),
            (L("helpdesk-error"), Cut(request.Message) ?? L(NoMessage(request))),
            (L("helpdesk-client-app"), Cut(form.ClientApp)),
            (L("form-client-version"), Cut(form.ClientVersion)),
            (L("form-operating-system"), Cut(form.OperatingSystem)),
            (L("helpdesk-started"), Cut(form.Started)),
            (L("helpdesk-scope"), Cut(form.Scope)),
            (L("helpdesk-logs"), form.LogsAvailable switch { true => L("helpdesk-logs-yes"), false => L("helpdesk-logs-no"), null => null }),
            (L("helpdesk-language"), request.Language),
        ];
        var (status, color) = Status(ticket);
        var execute = new JsonObject { ["ticketId"] = ticket.Id };
        JsonObject Submit(string verb) => new() { [TicketVerbs.SubmitKey] = verb, ["ticketId"] = ticket.Id };
        var data = new JsonObject
        {
            ["banner"] = banner ?? "",
            ["title"] = Title(ticket),
            ["status"] = status,
            ["statusColor"] = color,
            ["requested"] = texts.Get("helpdesk-requested", Locale,
                ("user", Name(requester.AsPerson())), ("time", ticket.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture))),
            ["facts"] = new JsonArray(facts.Where(f => !string.IsNullOrWhiteSpace(f.Value))
                .Select(f => (JsonNode)new JsonObject { ["title"] = f.Title, ["value"] = f.Value }).ToArray()),
            ["pasted"] = Shorten(request.Pasted, Math.Min(MaxPasted, max)),
            ["answers"] = new JsonArray(request.Answers.Select(a => (JsonNode)new JsonObject { ["title"] = Cut(a.Question), ["value"] = Cut(a.Answer) }).ToArray()),
            ["fixes"] = new JsonArray(request.Fixes.Select(f => (JsonNode)new JsonObject
            {
                ["text"] = $"• {Cut(f.Cause)}: {(texts.Has("helpdesk-outcome-" + f.Outcome) ? L("helpdesk-outcome-" + f.Outcome) : f.Outcome)}",
            }).ToArray()),
            ["anythingElse"] = Cut(form.AnythingElse) ?? "",
            ["history"] = new JsonArray(ticket.History.TakeLast(MaxHistory).Select(e => (JsonNode)new JsonObject { ["text"] = EventText(e, max) }).ToArray()),
            ["isOpen"] = ticket.IsOpen,
            ["execute"] = execute,
            ["submit"] = new JsonObject
            {
                ["assign"] = Submit(TicketVerbs.Assign),
                ["resolve"] = Submit(TicketVerbs.Resolve),
                ["ask"] = Submit(TicketVerbs.Ask),
            },
            ["labels"] = new JsonObject
            {
                ["pasted"] = L("helpdesk-pasted"),
                ["answers"] = L("helpdesk-answers"),
                ["fixes"] = L("helpdesk-fixes"),
                ["anythingElse"] = L("helpdesk-anything-else"),
                ["history"] = L("helpdesk-history"),
                ["assign"] = L("helpdesk-assign"),
                ["resolve"] = L("helpdesk-resolve"),
                ["resolveNote"] = L("helpdesk-resolve-note"),
                ["resolveSend"] = L("helpdesk-resolve-send"),
                ["noteRequired"] = L("helpdesk-note-required"),
                ["ask"] = L("helpdesk-ask"),
                ["askQuestion"] = L("helpdesk-ask-question"),
                ["askSend"] = L("helpdesk-ask-send"),
                ["questionRequired"] = L("helpdesk-question-required"),
            },
        };
        var card = TicketTemplate.Bind(data);

        // Universal Actions: Teams refreshes the card for these users when they open it, so an agent who
        // acted sees the ticket as it is now. Teams takes at most 60 ids.
        var refreshFor = ticket.History.Select(e => e.By.Id).Where(id => id != requester.Id && id.Length > 0).Distinct().TakeLast(60).ToArray();
        card["refresh"] = new JsonObject
        {
            ["action"] = new JsonObject { ["type"] = "Action.Execute", ["title"] = ticket.Id, ["verb"] = TicketVerbs.Prefix + TicketVerbs.Refresh, ["data"] = execute.DeepClone() },
            ["userIds"] = new JsonArray(refreshFor.Select(id => (JsonNode)JsonValue.Create(id)!).ToArray()),
        };
        return card;
    }

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..max] + "…";
}
