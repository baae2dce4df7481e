using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using TriageBot.Core.Knowledge;
using TriageBot.Core.Matching;
using TriageBot.Core.Triage;
using TriageBot.Dialogs;
using TriageBot.Escalation;
using TriageBot.Protocol.Schema;

namespace TriageBot.Cards;

/// <summary>What the co-pilot card's button sends (Action.Submit data): <c>{"copilot": "show", "index": 1, "text": ...}</c>.</summary>
public static class CopilotActions
{
    public const string Key = "copilot";

    /// <summary>Show candidate <c>index</c> of <c>text</c>.</summary>
    public const string Show = "show";

    /// <summary>Show ticket <c>ticketId</c> (the ticket list's buttons).</summary>
    public const string Ticket = "ticket";
}

/// <summary>
/// The helpdesk agents' cards: the co-pilot card (the documented errors a pasted text matches, and for one of them
/// the questions to ask, the fix steps ready to send and the causes not ruled out), the open-tickets list, and the
/// message extension's result list. The bot's words follow the agent's Teams language; the documents' content
/// (messages, questions, fix steps) the pasted text's language, so what the agent sends on is in the user's.
/// </summary>
public sealed class CopilotCards(Catalog catalog, ErrorMatcher matcher, TriagePlanner planner, TriageCards triageCards, BotTexts texts, IOptions<EscalationOptions> options)
{
    /// <summary>The co-pilot reads at most this much of a paste, and carries it in its button (the card stays under Teams' 28 KB).</summary>
    public const int MaxPaste = 2000;

    /// <summary>How much of the paste the card shows.</summary>
    public const int ShownPaste = 500;

    /// <summary>The ticket list shows at most this many tickets.</summary>
    public const int MaxListedTickets = 20;

    private const int MaxPhrases = 3;

    private static readonly CardTemplate CopilotTemplate = CardTemplate.Load("copilot");
    private static readonly CardTemplate TicketsTemplate = CardTemplate.Load("tickets");

    /// <summary>The co-pilot card for <paramref name="pasted"/>, showing candidate <paramref name="index"/> (0 = the best).</summary>
    /// <param name="clientLocale">The agent's Teams locale (<c>activity.locale</c>), for the bot's own words.</param>
    public Activity Copilot(string pasted, int index, string? clientLocale)
    {
        var text = pasted.Trim();
        var cut = text.Length > MaxPaste;
        if (cut)
        {
            text = text[..MaxPaste];
        }
        var result = matcher.Match(text);
        var ui = TriageDialog.ChooseLocale("en-us", clientLocale);
        var content = TriageDialog.ChooseLocale(result.Language, clientLocale);
        string L(string id, params (string, string)[] values) => texts.Get(id, ui, values);

        var candidates = result.Decision == MatchDecision.None ? [] : result.Candidates;
        var count = candidates.Count;
        index = count == 0 ? 0 : Math.Clamp(index, 0, count - 1);
        var data = new JsonObject
        {
            ["heading"] = count == 0 ? L("copilot-title") : L("copilot-heading", ("n", N(index + 1)), ("count", N(count))),
            ["pasted"] = Shorten(text, ShownPaste),
            ["notice"] = cut ? L("copilot-long", ("n", MaxPaste.ToString("N0", CultureInfo.InvariantCulture))) : "",
            ["noMatch"] = count == 0 ? L("copilot-none") : "",
            ["commonCauses"] = count == 0
                ? new JsonArray(catalog.CommonCauses.Select(c => c.Message.Get(content).Plain).Distinct().Select(c => (JsonNode)new JsonObject { ["text"] = c }).ToArray())
                : new JsonArray(),
            ["candidates"] = new JsonArray(candidates.Select((c, i) => (JsonNode)new JsonObject
            {
                ["title"] = L("copilot-candidate", ("n", N(i + 1)), ("message", MessageIn(c, content)), ("score", N(c.Score))),
                ["matched"] = c.MatchedPhrases.Count == 0 || !SameLanguage(c.MatchedLocale, result.Language)
                    ? ""
                    : L("copilot-matched", ("phrases", string.Join("; ", c.MatchedPhrases.Take(MaxPhrases).Select(p => $"\"{p}\"")))),
                ["style"] = i == index ? "accent" : "default",
                ["weight"] = i == index ? "Bolder" : "Default",
            }).ToArray()),
            ["current"] = count == 0 ? null : Current(candidates[index], index, text, content, ui),
            ["labels"] = new JsonObject
            {
                ["pasted"] = L("copilot-pasted"),
                ["candidates"] = L("copilot-candidates"),
                ["answered"] = L("copilot-answered"),
                ["questions"] = L("copilot-questions"),
                ["causes"] = L("copilot-causes"),
                ["learnMore"] = L("learn-more"),
            },
            ["buttons"] = count <= 1
                ? new JsonArray()
                : new JsonArray(new JsonObject
                {
                    ["title"] = index + 1 < count ? L("copilot-next") : L("copilot-first"),
                    ["data"] = new JsonObject { [CopilotActions.Key] = CopilotActions.Show, ["index"] = (index + 1) % count, ["text"] = text },
                }),
        };
        return Card(CopilotTemplate.Bind(data), CopilotSummary(data));
    }

    /// <summary>
    /// Whether a matched phrase's language is the paste's (en, de, zh): a low candidate's best phrase can be another
    /// language's wording that shares a word or two with the paste ("server"), which tells the agent nothing.
    /// </summary>
    private static bool SameLanguage(string? phraseLocale, string pasteLanguage) =>
        phraseLocale is not null && string.Equals(Language(phraseLocale), Language(pasteLanguage), StringComparison.OrdinalIgnoreCase);

    private static string Language(string locale) => locale.Split('-')[0];

    private JsonObject Current(MatchCandidate candidate, int index, string text, string content, string ui)
    {
        string L(string id, params (string, string)[] values) => texts.Get(id, ui, values);
        var symptom = candidate.Symptom;
        var detected = planner.Detect(symptom, text);
        var plan = planner.Plan(symptom, detected);
        var questions = QuestionsToAsk(symptom, detected);
        var fix = plan.Causes.FirstOrDefault();
        var fallback = fix is null ? planner.Fallback(content) : null;
        var resolution = fix?.Resolution.Get(content) ?? fallback;
        var links = fix is null ? [] : fix.KbLinks.Concat(symptom.RelatedKb).DistinctBy(k => k.Number).Select(k => $"[KB {k.Number}]({k.Url})").ToList();
        return new JsonObject
        {
            ["title"] = L("copilot-current", ("n", N(index + 1)), ("message", MessageIn(candidate, content)), ("score", N(candidate.Score))),
            ["answered"] = new JsonArray(detected.Select(a => planner.Flows.Questions.TryGetValue(a.Key, out var q)
                ? (JsonNode)new JsonObject { ["title"] = q.TextFor(content), ["value"] = q.Find(a.Value)?.LabelFor(content) ?? a.Value }
                : new JsonObject { ["title"] = a.Key, ["value"] = a.Value }).ToArray()),
            ["questions"] = new JsonArray(questions.Select((q, i) => (JsonNode)new JsonObject
            {
                ["text"] = $"{i + 1}. {q.TextFor(content)} — *{string.Join(" / ", q.Answers.Select(a => a.LabelFor(content)))}*",
            }).ToArray()),
            ["noQuestions"] = questions.Count == 0 ? L("copilot-no-questions") : "",
            ["fixHeading"] = fix is not null
                ? L("copilot-fix", ("cause", fix.Text.Get(content).Plain))
                : L("copilot-fallback", ("procedure", resolution?.Title.Plain ?? "")),
            ["fixTitle"] = fix is not null && resolution?.Anchor is not null ? $"**{resolution.Title.Plain}**" : "",
            ["blocks"] = resolution is null ? new JsonArray() : TriageCards.Blocks(resolution.Blocks),
            ["performer"] = fix is null ? "" : texts.Get("performed-by-" + catalog.Curated.PerformerOf(string.Join("\n", Core.Knowledge.Parsing.DocBlocks.Texts(fix.Resolution.English.Blocks).Select(t => t.Plain))), content),
            ["links"] = string.Join(" · ", links),
            ["causes"] = new JsonArray(plan.Causes.Select((c, i) => (JsonNode)new JsonObject
            {
                ["text"] = L("copilot-cause", ("n", N(i + 1)), ("cause", c.Text.Get(content).Plain), ("fix", FixName(c.Resolution.Get(content)))),
            }).ToArray()),
            ["ruledOut"] = plan.Causes.Count < symptom.Causes.Count
                ? L("copilot-ruled-out", ("count", N(symptom.Causes.Count - plan.Causes.Count)), ("total", N(symptom.Causes.Count)))
                : "",
        };
    }

    /// <summary>
    /// Every question the planner could still ask for <paramref name="symptom"/>, whatever the user answers, in the
    /// flow's order: the planner is asked again for each answer of each question it asks (a handful of plans).
    /// </summary>
    public IReadOnlyList<Question> QuestionsToAsk(Symptom symptom, IReadOnlyDictionary<string, string> known)
    {
        var asked = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var pending = new Stack<Dictionary<string, string>>();
        pending.Push(new Dictionary<string, string>(known, StringComparer.OrdinalIgnoreCase));
        // Flows have a few questions with two or three answers each; the bound only guards against a runaway file.
        for (var plans = 0; pending.Count > 0 && plans < 256; plans++)
        {
            var answers = pending.Pop();
            if (planner.Plan(symptom, answers).Next is not { } question)
            {
                continue;
            }
            asked.Add(question.Id);
            foreach (var answer in question.Answers)
            {
                pending.Push(new Dictionary<string, string>(answers, StringComparer.OrdinalIgnoreCase) { [question.Id] = answer.Value });
            }
        }
        return planner.Flows.QuestionsFor(symptom.Id).Where(q => asked.Contains(q.Id)).ToList();
    }

    /// <summary>The open tickets, newest first, with status and age (<paramref name="now"/> minus when each was opened).</summary>
    public Activity Tickets(IReadOnlyList<Ticket> open, DateTimeOffset now)
    {
        var locale = options.Value.HelpdeskLocale;
        string L(string id, params (string, string)[] values) => texts.Get(id, locale, values);
        if (open.Count == 0)
        {
            var none = Activity.CreateMessageActivity();
            none.Text = L("tickets-none");
            none.TextFormat = "markdown";
            return none;
        }
        var shown = open.Take(MaxListedTickets).ToList();
        var rows = shown.Select(t =>
        {
            var (status, color) = Status(t, locale);
            return new JsonObject
            {
                ["title"] = L("helpdesk-title", ("id", t.Id), ("message", t.Request.Message ?? L("helpdesk-no-match"))),
                ["line"] = L("tickets-row", ("status", status), ("age", Age(now - t.CreatedAt, locale)), ("user", HelpdeskCards.Name(t.Request.Requester.AsPerson()))),
                ["color"] = color,
                ["show"] = L("tickets-show", ("id", t.Id)),
                ["data"] = new JsonObject { [CopilotActions.Key] = CopilotActions.Ticket, ["ticketId"] = t.Id },
            };
        }).ToList();
        var data = new JsonObject
        {
            ["heading"] = L("tickets-heading", ("count", N(open.Count))),
            ["tickets"] = new JsonArray(rows.Select(r => (JsonNode)r).ToArray()),
            ["more"] = open.Count > shown.Count ? L("tickets-more", ("count", N(open.Count - shown.Count))) : "",
        };
        var summary = new StringBuilder().AppendLine(data["heading"]!.GetValue<string>());
        foreach (var row in rows)
        {
            summary.Append(row["title"]!.GetValue<string>()).Append(" · ").AppendLine(row["line"]!.GetValue<string>());
        }
        return Card(TicketsTemplate.Bind(data), summary.ToString().TrimEnd());
    }

    /// <summary>"3 h ago": whole minutes under an hour, hours under two days, then days.</summary>
    public string Age(TimeSpan age, string locale)
    {
        if (age < TimeSpan.FromMinutes(1))
        {
            return texts.Get("age-now", locale);
        }
        if (age < TimeSpan.FromHours(1))
        {
            return texts.Get("age-minutes", locale, ("n", N((int)age.TotalMinutes)));
        }
        return age < TimeSpan.FromHours(48)
            ? texts.Get("age-hours", locale, ("n", N((int)age.TotalHours)))
            : texts.Get("age-days", locale, ("n", N((int)age.TotalDays)));
    }

    /// <summary>
    /// The fix card of one documented cause as the triage shows it, without the triage's outcome buttons (they belong to
    /// a conversation with the bot): what the message extension inserts into the agent's message to the user.
    /// </summary>
    public Attachment FixCard(Symptom symptom, Cause cause, string locale)
    {
        var activity = triageCards.Resolution(symptom, cause, locale, flowId: "", intro: null);
        var card = JsonNode.Parse(((JsonElement)activity.Attachments![0].Content!).GetRawText())!.AsObject();
        card.Remove("actions");
        return new Attachment { ContentType = TriageCards.ContentType, Content = JsonSerializer.SerializeToElement(card) };
    }

    /// <summary>
    /// How a fix is named in a line: the procedure's title, or the start of a resolution cell's text (a cell has no
    /// title of its own; its "title" is the table's header).
    /// </summary>
    public static string FixName(Resolution resolution) =>
        resolution.Anchor is not null
            ? resolution.Title.Plain
            : Shorten(string.Join(" ", Core.Knowledge.Parsing.DocBlocks.Texts(resolution.Blocks).Select(t => t.Plain)), 100);

    /// <summary>The documented message of <paramref name="candidate"/> closest to the paste, in <paramref name="locale"/> where the documents have it.</summary>
    public static string MessageIn(MatchCandidate candidate, string locale) =>
        candidate.Symptom.Causes.FirstOrDefault(c => c.Message.English.Plain == candidate.Message)?.Message.Get(locale).Plain ?? candidate.Message;

    private (string Text, string Color) Status(Ticket ticket, string locale) => ticket.Status switch
    {
        TicketStatus.Assigned when ticket.Assignee is { } agent => (texts.Get("helpdesk-status-assigned", locale, ("agent", HelpdeskCards.Name(agent))), "Accent"),
        TicketStatus.Resolved => (texts.Get("helpdesk-status-resolved", locale, ("agent", HelpdeskCards.Name(ticket.Assignee ?? new TicketPerson("?")))), "Good"),
        _ => (texts.Get("helpdesk-status-open", locale), "Warning"),
    };

    private static string CopilotSummary(JsonObject data)
    {
        var text = new StringBuilder().AppendLine(data["heading"]!.GetValue<string>());
        if (data["noMatch"]!.GetValue<string>() is { Length: > 0 } none)
        {
            text.AppendLine(none);
        }
        foreach (var candidate in data["candidates"]!.AsArray())
        {
            text.AppendLine(candidate!["title"]!.GetValue<string>());
        }
        if (data["current"] is JsonObject current)
        {
            text.AppendLine().AppendLine(current["title"]!.GetValue<string>());
            text.AppendLine(data["labels"]!["questions"]!.GetValue<string>() + ":");
            foreach (var question in current["questions"]!.AsArray())
            {
                text.AppendLine(question!["text"]!.GetValue<string>());
            }
            text.AppendLine(current["fixHeading"]!.GetValue<string>());
            text.AppendLine(data["labels"]!["causes"]!.GetValue<string>() + ":");
            foreach (var cause in current["causes"]!.AsArray())
            {
                text.AppendLine(cause!["text"]!.GetValue<string>());
            }
        }
        return text.ToString().TrimEnd();
    }

    internal static Activity Card(JsonObject content, string fallbackText)
    {
        var activity = Activity.CreateMessageActivity();
        activity.Attachments = [new Attachment { ContentType = TriageCards.ContentType, Content = JsonSerializer.SerializeToElement(content) }];
        activity.Summary = fallbackText.Length > 4000 ? fallbackText[..4000] : fallbackText;
        return activity;
    }

    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);

    internal static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
