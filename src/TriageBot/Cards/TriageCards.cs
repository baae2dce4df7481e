using TriageBot.Escalation;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TriageBot.Core.Knowledge;
using TriageBot.Core.Knowledge.Parsing;
using TriageBot.Core.Triage;
using TriageBot.Dialogs;
using TriageBot.Protocol.Schema;

namespace TriageBot.Cards;

/// <summary>What a card button sends back (Action.Submit data), so a submit can be told from a typed message.</summary>
public static class CardActions
{
    public const string Key = "triage";
    public const string Answer = "answer";
    public const string Choose = "choose";
    public const string Fixed = "fixed";
    public const string NotFixed = "notFixed";
    public const string Helpdesk = "helpdesk";
    public const string NoneOfThese = "none";
    public const string Form = "form";
}

/// <summary>
/// The Adaptive Cards (schema 1.5) of the triage conversation, each with a plain-text fallback
/// for channels without cards. Content comes from the catalog in the user's language where the
/// documents have it; the bot's own words from <c>dialogs/strings.yaml</c>.
/// </summary>
public sealed class TriageCards(Catalog catalog, BotTexts texts)
{
    public const string ContentType = "application/vnd.microsoft.card.adaptive";

    private static readonly CardTemplate ResolutionTemplate = CardTemplate.Load("resolution");
    private static readonly CardTemplate QuestionTemplate = CardTemplate.Load("question");
    private static readonly CardTemplate ListTemplate = CardTemplate.Load("list");
    private static readonly CardTemplate FormTemplate = CardTemplate.Load("form");

    /// <summary>The hand-over form: the details the documents ask for, some already filled in from the conversation.</summary>
    public Activity EscalationForm(string locale, string flowId, Question? scope, TicketForm filledIn, string? intro = null)
    {
        string L(string id) => texts.Get(id, locale);
        var data = new JsonObject
        {
            ["heading"] = L("form-heading"),
            ["intro"] = intro ?? L("form-intro"),
            ["labels"] = new JsonObject
            {
                ["signInAddress"] = L("form-sign-in-address"),
                ["invalidAddress"] = L("form-invalid-address"),
                ["clientApp"] = L("form-client-app"),
                ["clientVersion"] = L("form-client-version"),
                ["operatingSystem"] = L("form-operating-system"),
                ["started"] = L("form-started"),
                ["scope"] = L("form-scope"),
                ["logsAvailable"] = L("form-logs"),
                ["anythingElse"] = L("form-anything-else"),
                ["submit"] = L("form-submit"),
            },
            ["values"] = new JsonObject
            {
                ["signInAddress"] = filledIn.SignInAddress ?? "",
                ["clientApp"] = filledIn.ClientApp ?? "",
                ["clientVersion"] = filledIn.ClientVersion ?? "",
                ["operatingSystem"] = filledIn.OperatingSystem ?? "",
                ["started"] = filledIn.Started ?? "",
                ["scope"] = filledIn.Scope ?? "",
                ["logsAvailable"] = filledIn.LogsAvailable == true ? "yes" : "no",
                ["anythingElse"] = filledIn.AnythingElse ?? "",
            },
            ["scopeChoices"] = new JsonArray((scope?.Answers ?? []).Select(a => (JsonNode)new JsonObject { ["title"] = a.LabelFor(locale), ["value"] = a.Value }).ToArray()),
            ["submit"] = Submit(CardActions.Form, flowId),
        };
        var fallback = $"{L("form-heading")}\n{data["intro"]}\n{L("form-sign-in-address")}";
        return Card(FormTemplate.Bind(data), fallback);
    }

    /// <summary>The fix for one documented cause, with the outcome buttons.</summary>
    public Activity Resolution(Symptom symptom, Cause cause, string locale, string flowId, string? intro) =>
        Cached($"resolution\n{symptom.Id}\n{cause.Id}\n{locale}\n{intro}", flowId, flow => BuildResolution(symptom, cause, locale, flow, intro));

    private Activity BuildResolution(Symptom symptom, Cause cause, string locale, string flowId, string? intro)
    {
        var resolution = cause.Resolution.Get(locale);
        var causeText = cause.Text.Get(locale).Markdown;
        var message = cause.Message.Get(locale).Plain;
        var links = cause.KbLinks.Concat(symptom.RelatedKb).DistinctBy(k => k.Number)
            .Select(k => $"[KB {k.Number}]({k.Url})").ToList();
        var source = cause.Resolution.SourceOf(locale);
        var data = new JsonObject
        {
            ["heading"] = texts.Get("recognised", locale, ("message", message.TrimEnd('.', '。'))),
            ["intro"] = intro ?? "",
            ["cause"] = causeText == message ? "" : causeText,
            // A resolution cell has no procedure name of its own (its title is the table's header).
            ["stepsHeading"] = resolution.Anchor is null ? texts.Get("fix-steps", locale) : $"{texts.Get("fix-steps", locale)}: {resolution.Title.Markdown}",
            ["labels"] = new JsonObject
            {
                ["cause"] = texts.Get("likely-cause", locale),
                ["learnMore"] = texts.Get("learn-more", locale),
            },
            ["blocks"] = Blocks(resolution.Blocks),
            ["performer"] = texts.Get("performed-by-" + catalog.Curated.PerformerOf(BlockText(cause.Resolution.English.Blocks)), locale),
            ["links"] = string.Join(" · ", links),
            ["sourceLine"] = texts.Get("source", locale, ("source", $"{source.Title} ({source.Section})")),
            ["buttons"] = Buttons(locale,
                (texts.Get("button-fixed", locale), Submit(CardActions.Fixed, flowId)),
                (texts.Get("button-not-fixed", locale), Submit(CardActions.NotFixed, flowId)),
                (texts.Get("button-helpdesk", locale), Submit(CardActions.Helpdesk, flowId))),
        };
        var fallback = new StringBuilder()
            .AppendLine(data["heading"]!.GetValue<string>())
            .AppendLine(intro)
            .AppendLine(causeText == message ? "" : $"{texts.Get("likely-cause", locale)}: {cause.Text.Get(locale).Plain}")
            .AppendLine(resolution.Anchor is null ? texts.Get("fix-steps", locale) : $"{texts.Get("fix-steps", locale)}: {resolution.Title.Plain}")
            .AppendLine(PlainSteps(resolution.Blocks))
            .AppendLine(data["performer"]!.GetValue<string>());
        return Card(ResolutionTemplate.Bind(data), fallback.ToString());
    }

    /// <summary>The documents' "collect more information" procedure, when no documented cause applies or all failed.</summary>
    public Activity Fallback(Resolution procedure, string locale, string flowId, string intro)
    {
        var data = new JsonObject
        {
            ["heading"] = procedure.Title.Markdown,
            ["intro"] = intro,
            ["cause"] = "",
            ["stepsHeading"] = texts.Get("fix-steps", locale),
            ["labels"] = new JsonObject { ["cause"] = "", ["learnMore"] = texts.Get("learn-more", locale) },
            ["blocks"] = Blocks(procedure.Blocks),
            ["performer"] = texts.Get("performed-by-admin", locale),
            ["links"] = "",
            ["sourceLine"] = "",
            ["buttons"] = Buttons(locale, (texts.Get("button-helpdesk", locale), Submit(CardActions.Helpdesk, flowId))),
        };
        return Card(ResolutionTemplate.Bind(data), $"{intro}\n{procedure.Title.Plain}\n{PlainSteps(procedure.Blocks)}");
    }

    /// <summary>A question of the flow with its answers as buttons.</summary>
    public Activity Question(Question question, string locale, string flowId, string? intro) =>
        Cached($"question\n{question.Id}\n{locale}\n{intro}", flowId, flow => BuildQuestion(question, locale, flow, intro));

    private Activity BuildQuestion(Question question, string locale, string flowId, string? intro)
    {
        var data = new JsonObject
        {
            ["intro"] = intro ?? "",
            ["question"] = question.TextFor(locale),
            ["buttons"] = Buttons(locale, question.Answers
                .Select(a => (a.LabelFor(locale), Submit(CardActions.Answer, flowId, ("question", question.Id), ("answer", a.Value))))
                .ToArray()),
        };
        var fallback = $"{intro}\n{question.TextFor(locale)}\n" + string.Join(" / ", question.Answers.Select(a => a.LabelFor(locale)));
        return Card(QuestionTemplate.Bind(data), fallback.Trim());
    }

    /// <summary>"Which of these do you see?" with the candidates' documented messages as buttons.</summary>
    public Activity Choose(IReadOnlyList<(Symptom Symptom, string Message)> candidates, string locale, string flowId)
    {
        var buttons = candidates.Select(c => (Shorten(c.Message, 80), Submit(CardActions.Choose, flowId, ("symptom", c.Symptom.Id))))
            .Append((texts.Get("none-of-these", locale), Submit(CardActions.NoneOfThese, flowId)))
            .ToArray();
        var data = new JsonObject
        {
            ["heading"] = texts.Get("which-one", locale),
            ["items"] = new JsonArray(candidates.Select(c => (JsonNode)new JsonObject { ["text"] = c.Message }).ToArray()),
            ["buttons"] = Buttons(locale, buttons),
        };
        var fallback = texts.Get("which-one", locale) + "\n" + string.Join("\n", candidates.Select((c, i) => $"{i + 1}. {c.Message}"));
        return Card(ListTemplate.Bind(data), fallback);
    }

    /// <summary>Nothing documented fits: ask for the exact text, show the common causes, offer a human.</summary>
    public Activity NoMatch(string locale, string flowId)
    {
        var causes = catalog.CommonCauses.Select(c => c.Message.Get(locale).Plain).Distinct().ToList();
        var data = new JsonObject
        {
            ["heading"] = texts.Get("no-match", locale),
            ["items"] = new JsonArray(causes.Select(c => (JsonNode)new JsonObject { ["text"] = c }).ToArray()),
            ["buttons"] = Buttons(locale, (texts.Get("button-helpdesk", locale), Submit(CardActions.Helpdesk, flowId))),
        };
        return Card(ListTemplate.Bind(data), texts.Get("no-match", locale) + "\n" + string.Join("\n", causes.Select(c => "- " + c)));
    }

    /// <summary>
    /// A card that depends only on the catalog, the language and the key's other parts, except for the flow id in its
    /// buttons: bound from its template once (with a placeholder for the flow id) and then only copied, with the flow
    /// id put in. Binding the fix card's template costs several times more than the rest of a turn. The catalog and
    /// the texts do not change while the bot runs, so entries never go stale; there are at most a few per symptom,
    /// cause, question and language, and the cache stops growing at <see cref="MaxCachedCards"/>.
    /// </summary>
    private Activity Cached(string key, string flowId, Func<string, Activity> build)
    {
        if (!_cards.TryGetValue(key, out var card))
        {
            var built = build(FlowPlaceholder);
            card = new CachedCard(Encoding.UTF8.GetBytes(((JsonElement)built.Attachments![0].Content!).GetRawText()), built.Summary);
            if (_cards.Count >= MaxCachedCards || !_cards.TryAdd(key, card))
            {
                card = _cards.GetValueOrDefault(key, card);
            }
        }

        var activity = Activity.CreateMessageActivity();
        activity.Attachments = [new Attachment { ContentType = ContentType, Content = JsonSerializer.Deserialize<JsonElement>(card.WithFlow(flowId)) }];
        activity.Summary = card.Summary;
        return activity;
    }

    private const int MaxCachedCards = 2048;
    private const string FlowPlaceholder = "TriageBotFlowIdPlaceholder";
    private readonly ConcurrentDictionary<string, CachedCard> _cards = new(StringComparer.Ordinal);

    private sealed class CachedCard(byte[] content, string? summary)
    {
        private static readonly byte[] Placeholder = Encoding.UTF8.GetBytes(FlowPlaceholder);

        public string? Summary { get; } = summary;

        /// <summary>The card's JSON with the flow id in place of every placeholder (ids are hex: nothing to escape).</summary>
        public byte[] WithFlow(string flowId)
        {
            ReadOnlySpan<byte> source = content;
            var count = source.Count(Placeholder);
            var result = new byte[content.Length + (count * (Encoding.UTF8.GetByteCount(flowId) - Placeholder.Length))];
            var target = result.AsSpan();
            int at;
            while ((at = source.IndexOf(Placeholder)) >= 0)
            {
                source[..at].CopyTo(target);
                target = target[(at + Encoding.UTF8.GetBytes(flowId, target[at..]))..];
                source = source[(at + Placeholder.Length)..];
            }
            source.CopyTo(target);
            return result;
        }
    }

    private static Activity Card(JsonObject content, string fallbackText)
    {
        var activity = Activity.CreateMessageActivity();
        activity.Attachments = [new Attachment { ContentType = ContentType, Content = JsonSerializer.SerializeToElement(content) }];
        // Channels that cannot show cards show the summary; Teams shows the card.
        activity.Summary = fallbackText.Length > 4000 ? fallbackText[..4000] : fallbackText;
        return activity;
    }

    private static JsonObject Submit(string action, string flowId, params (string Key, string Value)[] values)
    {
        var data = new JsonObject { [CardActions.Key] = action, ["flow"] = flowId };
        foreach (var (key, value) in values)
        {
            data[key] = value;
        }
        return data;
    }

    private static JsonArray Buttons(string locale, params (string Title, JsonObject Data)[] buttons) =>
        new(buttons.Select(b => (JsonNode)new JsonObject { ["title"] = b.Title, ["data"] = b.Data }).ToArray());

    /// <summary>Document blocks as card rows: paragraphs, numbered steps, tables, notes.</summary>
    internal static JsonArray Blocks(IEnumerable<DocBlock> blocks)
    {
        var rows = new JsonArray();
        void Text(string text, bool note = false) => rows.Add(new JsonObject { ["isText"] = true, ["isNote"] = note, ["text"] = text });
        void Walk(IEnumerable<DocBlock> items, string indent)
        {
            foreach (var block in items)
            {
                switch (block)
                {
                    case ParagraphBlock p:
                        Text(indent + p.Text.Markdown);
                        break;
                    case NoteBlock n when n.Kind == "PROCEDURE":
                        Walk(n.Blocks.Take(1).Select(b => b is ParagraphBlock h ? new ParagraphBlock(h.Text with { Markdown = "**" + h.Text.Plain + "**" }) : b), indent);
                        Walk(n.Blocks.Skip(1), indent);
                        break;
                    case NoteBlock n:
                        foreach (var t in CatalogBuilderTexts(n.Blocks))
                        {
                            Text(indent + t, note: true);
                        }
                        break;
                    case ListBlock list:
                        for (var i = 0; i < list.Items.Count; i++)
                        {
                            if (list.Ordered && indent.Length == 0)
                            {
                                rows.Add(new JsonObject { ["isStep"] = true, ["number"] = (i + 1).ToString(), ["text"] = list.Items[i].Text.Markdown });
                            }
                            else
                            {
                                Text(indent + (list.Ordered ? $"{i + 1}. " : "• ") + list.Items[i].Text.Markdown);
                            }
                            // Non-breaking spaces: four plain spaces would make card markdown a code block.
                            Walk(list.Items[i].Children, indent + "\u00A0\u00A0\u00A0\u00A0");
                        }
                        break;
                    case TableBlock table:
                        var all = new[] { table.Header }.Concat(table.Rows).ToList();
                        rows.Add(new JsonObject
                        {
                            ["isTable"] = true,
                            ["columns"] = new JsonArray(table.Header.Select(_ => (JsonNode)new JsonObject { ["width"] = 1 }).ToArray()),
                            ["rows"] = new JsonArray(all.Select(r => (JsonNode)new JsonObject
                            {
                                ["cells"] = new JsonArray(r.Select(c => (JsonNode)new JsonObject { ["text"] = c.Markdown.Replace("\n", " ") }).ToArray()),
                            }).ToArray()),
                        });
                        break;
                }
            }
        }
        Walk(blocks, "");
        return rows;
    }

    private static IEnumerable<string> CatalogBuilderTexts(IEnumerable<DocBlock> blocks) => DocBlocks.Texts(blocks).Select(t => t.Markdown);

    private static string BlockText(IEnumerable<DocBlock> blocks) => string.Join("\n", DocBlocks.Texts(blocks).Select(t => t.Plain));

    internal static string PlainSteps(IEnumerable<DocBlock> blocks)
    {
        var text = new StringBuilder();
        foreach (var block in blocks)
        {
            switch (block)
            {
                case ListBlock { Ordered: true } list:
                    for (var i = 0; i < list.Items.Count; i++)
                    {
                        text.Append(i + 1).Append(". ").AppendLine(list.Items[i].Text.Plain);
                        foreach (var child in DocBlocks.Texts(list.Items[i].Children))
                        {
                            text.Append("   ").AppendLine(child.Plain);
                        }
                    }
                    break;
                case TableBlock table:
                    foreach (var row in new[] { table.Header }.Concat(table.Rows))
                    {
                        text.AppendLine(string.Join(" | ", row.Select(c => c.Plain)));
                    }
                    break;
                default:
                    foreach (var t in DocBlocks.Texts([block]))
                    {
                        text.AppendLine(t.Plain);
                    }
                    break;
            }
        }
        return text.ToString().TrimEnd();
    }

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
