using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using TriageBot.Cards;
using TriageBot.Dialogs;
using TriageBot.Escalation;
using TriageBot.Protocol.Builder;
using TriageBot.Protocol.Schema;

namespace TriageBot.Bots;

/// <summary>
/// The helpdesk agents' side of the bot: the co-pilot card (<c>triage &lt;text&gt;</c> anywhere, or an agent's
/// <c>@TriageBot &lt;text&gt;</c> in the helpdesk channel, and its "Next candidate" button), the ticket list
/// (<c>tickets</c>) and one ticket (<c>ticket TB-1042</c>), and the message extension: the search command
/// (<c>composeExtension/query</c>) and the "Triage this message" action (<c>composeExtension/fetchTask</c>,
/// <c>composeExtension/submitAction</c>).
/// </summary>
internal sealed partial class CopilotTurns(
    AgentCommands commands,
    CopilotCards cards,
    ErrorSearch search,
    HelpdeskAgents agents,
    TicketStore tickets,
    HelpdeskCards ticketCards,
    BotTexts texts,
    IOptions<EscalationOptions> options,
    TimeProvider time,
    ILogger<CopilotTurns> log)
{
    public const string QueryInvoke = "composeExtension/query";
    public const string FetchTaskInvoke = "composeExtension/fetchTask";
    public const string SubmitActionInvoke = "composeExtension/submitAction";

    /// <summary>The manifest's search command and its one parameter.</summary>
    public const string SearchCommand = "searchErrors";
    public const string SearchParameter = "errorText";

    /// <summary>The manifest's message action.</summary>
    public const string ActionCommand = "triageMessage";

    /// <summary>Teams asks for 25 results a page; more are never returned at once.</summary>
    public const int MaxResults = 25;

    private const string ThumbnailContentType = "application/vnd.microsoft.card.thumbnail";

    /// <summary>Whether this turns class answers the invoke <paramref name="name"/>.</summary>
    public static bool HandlesInvoke(string? name) => name is QueryInvoke or FetchTaskInvoke or SubmitActionInvoke;

    /// <summary>
    /// A message that is the agents' business: the co-pilot card's and the ticket list's buttons, an agent command, or
    /// an agent's paste in the helpdesk channel. False when the message is not, and the triage goes on with it.
    /// </summary>
    public async Task<bool> OnMessageAsync(ITurnContext turn, CancellationToken cancellationToken)
    {
        var activity = turn.Activity;
        if (activity.Value is { ValueKind: JsonValueKind.Object } value)
        {
            if (!value.TryGetProperty(CopilotActions.Key, out _))
            {
                return false;
            }
            await OnSubmitAsync(turn, value, cancellationToken);
            return true;
        }

        var text = activity.RemoveRecipientMention()?.Trim();
        var request = commands.Parse(text);
        switch (request.Command)
        {
            case AgentCommand.Triage when request.Argument.Length == 0:
                await SendTextAsync(turn, texts.Get("copilot-empty", UiLocale(activity, text)), cancellationToken);
                return true;
            case AgentCommand.Triage:
                await SendAsync(turn, cards.Copilot(request.Argument, 0, activity.Locale), cancellationToken);
                return true;
            case AgentCommand.Tickets:
                await ListTicketsAsync(turn, text, cancellationToken);
                return true;
            case AgentCommand.Ticket:
                await ShowTicketAsync(turn, request.Argument, text, cancellationToken);
                return true;
        }

        // In the helpdesk channel an agent's @TriageBot <text> is for the co-pilot (unless the whole message is one of the
        // conversation's commands, such as "help"; a paste that merely contains "a person" is a paste); anyone else there
        // gets the end-user triage. When Teams cannot say who is an agent, the helpdesk's own channel counts as agents'.
        if (!string.IsNullOrEmpty(text) && IsHelpdeskChannel(activity) && texts.WholeMessageCommandOf(text) == BotCommand.None
            && await agents.CheckAsync(activity, cancellationToken) != AgentCheck.NotAgent)
        {
            await SendAsync(turn, cards.Copilot(text, 0, activity.Locale), cancellationToken);
            return true;
        }
        return false;
    }

    /// <summary>The message extension's invokes; every answer is 200 with the extension's body, or 400 with the reason.</summary>
    public Task<InvokeResponse> OnInvokeAsync(ITurnContext turn, CancellationToken cancellationToken)
    {
        var activity = turn.Activity;
        if (activity.Value is not { ValueKind: JsonValueKind.Object } value)
        {
            return Task.FromResult(BadRequest($"{activity.Name} needs a value object with a commandId."));
        }
        if (Str(value, "commandId") is not { Length: > 0 } commandId)
        {
            return Task.FromResult(BadRequest($"{activity.Name}: value.commandId is missing."));
        }
        if (commandId is not (SearchCommand or ActionCommand))
        {
            return Task.FromResult(BadRequest($"{activity.Name}: unknown commandId '{Shorten(commandId, 80)}'; this app has '{SearchCommand}' (search) and '{ActionCommand}' (message action)."));
        }
        var response = activity.Name switch
        {
            QueryInvoke => Query(activity, value, commandId),
            FetchTaskInvoke => FetchTask(activity, value, commandId),
            _ => SubmitAction(activity, value),
        };
        log.LogInformation("{Invoke} {Command}: {Status}", activity.Name, commandId, response.Status);
        return Task.FromResult(response);
    }

    private InvokeResponse Query(Activity activity, JsonElement value, string commandId)
    {
        if (commandId != SearchCommand)
        {
            return BadRequest($"'{commandId}' is a message action: Teams sends {FetchTaskInvoke} for it, not a search.");
        }
        var query = "";
        if (value.TryGetProperty("parameters", out var parameters) && parameters.ValueKind != JsonValueKind.Null)
        {
            if (parameters.ValueKind != JsonValueKind.Array)
            {
                return BadRequest("value.parameters must be an array of {name, value}.");
            }
            foreach (var parameter in parameters.EnumerateArray())
            {
                if (parameter.ValueKind != JsonValueKind.Object)
                {
                    return BadRequest("value.parameters must be an array of {name, value}.");
                }
                if (Str(parameter, "name") != SearchParameter)
                {
                    continue; // initialRun, or a parameter a later manifest may add
                }
                if (!parameter.TryGetProperty("value", out var v) || v.ValueKind == JsonValueKind.Null)
                {
                    continue;
                }
                if (v.ValueKind != JsonValueKind.String)
                {
                    return BadRequest($"The parameter '{SearchParameter}' must be a string.");
                }
                query = v.GetString()!;
            }
        }

        var skip = 0;
        var count = MaxResults;
        if (value.TryGetProperty("queryOptions", out var paging) && paging.ValueKind != JsonValueKind.Null)
        {
            if (paging.ValueKind != JsonValueKind.Object
                || !OptionalInt(paging, "skip", ref skip) || skip < 0
                || !OptionalInt(paging, "count", ref count) || count < 1)
            {
                return BadRequest("value.queryOptions must be {skip: a whole number >= 0, count: a whole number >= 1}.");
            }
        }
        count = Math.Min(count, MaxResults);

        var locale = TriageDialog.ChooseLocale(Core.Matching.LanguageGuess.Guess(query), activity.Locale);
        var hits = search.Find(query, locale);
        if (hits.Count == 0)
        {
            var ui = TriageDialog.ChooseLocale("en-us", activity.Locale);
            return Ok(new JsonObject
            {
                ["composeExtension"] = new JsonObject { ["type"] = "message", ["text"] = texts.Get("search-none", ui, ("text", Shorten(query.Trim(), 80))) },
            });
        }
        var attachments = new JsonArray();
        foreach (var hit in hits.Skip(skip).Take(count))
        {
            var card = cards.FixCard(hit.Symptom, hit.Cause, locale);
            var preview = texts.Get("search-preview", locale,
                ("cause", Shorten(hit.Cause.Text.Get(locale).Plain, 160)), ("fix", CopilotCards.FixName(hit.Cause.Resolution.Get(locale))));
            attachments.Add(new JsonObject
            {
                ["contentType"] = card.ContentType,
                ["content"] = JsonNode.Parse(((JsonElement)card.Content!).GetRawText()),
                ["preview"] = new JsonObject
                {
                    ["contentType"] = ThumbnailContentType,
                    ["content"] = new JsonObject { ["title"] = Shorten(hit.Message, 120), ["text"] = preview },
                },
            });
        }
        return Ok(new JsonObject
        {
            ["composeExtension"] = new JsonObject { ["type"] = "result", ["attachmentLayout"] = "list", ["attachments"] = attachments },
        });
    }

    private InvokeResponse FetchTask(Activity activity, JsonElement value, string commandId)
    {
        if (commandId != ActionCommand)
        {
            return BadRequest($"'{commandId}' is a search command: Teams sends {QueryInvoke} for it, not a dialog.");
        }
        if (!value.TryGetProperty("messagePayload", out var payload) || payload.ValueKind != JsonValueKind.Object)
        {
            return BadRequest($"'{ActionCommand}' runs on a message: value.messagePayload is missing.");
        }
        var body = payload.TryGetProperty("body", out var b) ? b : default;
        if (body.ValueKind is not (JsonValueKind.Object or JsonValueKind.Undefined or JsonValueKind.Null))
        {
            return BadRequest("value.messagePayload.body must be {contentType, content}.");
        }
        var content = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("content", out var c) ? c : default;
        if (content.ValueKind is not (JsonValueKind.String or JsonValueKind.Undefined or JsonValueKind.Null))
        {
            return BadRequest("value.messagePayload.body.content must be a string.");
        }
        var raw = content.ValueKind == JsonValueKind.String ? content.GetString()! : "";
        var text = "text".Equals(Str(body, "contentType"), StringComparison.OrdinalIgnoreCase) ? HtmlText.FromText(raw) : HtmlText.ToPlainText(raw);
        var ui = TriageDialog.ChooseLocale("en-us", activity.Locale);
        var card = text.Length == 0
            ? ticketCards.Notice(texts.Get("copilot-no-text", ui))
            : cards.Copilot(text, 0, activity.Locale);
        return TaskCard(card, ui);
    }

    /// <summary>
    /// A button pressed in the dialog: the co-pilot's "Next candidate" shows that candidate in the same dialog;
    /// anything else closes it (no card is inserted; sending the fix is the agent's own message).
    /// </summary>
    private InvokeResponse SubmitAction(Activity activity, JsonElement value)
    {
        var data = value.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Object ? d : default;
        if (Str(data, CopilotActions.Key) == CopilotActions.Show && Str(data, "text") is { Length: > 0 } text)
        {
            return TaskCard(cards.Copilot(text, Int(data, "index"), activity.Locale), TriageDialog.ChooseLocale("en-us", activity.Locale));
        }
        return Ok(new JsonObject());
    }

    private async Task OnSubmitAsync(ITurnContext turn, JsonElement value, CancellationToken cancellationToken)
    {
        var activity = turn.Activity;
        switch (Str(value, CopilotActions.Key))
        {
            case CopilotActions.Show when Str(value, "text") is { Length: > 0 } text:
                await ReplaceAsync(turn, cards.Copilot(text, Int(value, "index"), activity.Locale), cancellationToken);
                return;
            case CopilotActions.Ticket:
                await ShowTicketAsync(turn, Str(value, "ticketId") ?? "", null, cancellationToken);
                return;
            default:
                await SendTextAsync(turn, texts.Get("unknown-submit", UiLocale(activity, null)), cancellationToken);
                return;
        }
    }

    private async Task ListTicketsAsync(ITurnContext turn, string? text, CancellationToken cancellationToken)
    {
        if (await RefusalAsync(turn, text, cancellationToken) is { } refusal)
        {
            await SendTextAsync(turn, refusal, cancellationToken);
            return;
        }
        var open = await tickets.ListOpenAsync(cancellationToken);
        log.LogInformation("Tickets listed for {User}: {Count} open", turn.Activity.From?.Id, open.Count);
        await SendAsync(turn, cards.Tickets(open, time.GetUtcNow()), cancellationToken);
    }

    private async Task ShowTicketAsync(ITurnContext turn, string id, string? text, CancellationToken cancellationToken)
    {
        if (await RefusalAsync(turn, text, cancellationToken) is { } refusal)
        {
            await SendTextAsync(turn, refusal, cancellationToken);
            return;
        }
        var ticket = TicketIdRegex().IsMatch(id) ? await tickets.GetAsync(id, cancellationToken) : null;
        if (ticket is null)
        {
            await SendTextAsync(turn, texts.Get("helpdesk-unknown-ticket", options.Value.HelpdeskLocale, ("id", Shorten(id, 20))), cancellationToken);
            return;
        }
        await SendAsync(turn, ticketCards.Message(ticket), cancellationToken);
    }

    /// <summary>Why this person may not see tickets (not an agent, or Teams could not say), or null for an agent.</summary>
    private async Task<string?> RefusalAsync(ITurnContext turn, string? text, CancellationToken cancellationToken) =>
        await agents.CheckAsync(turn.Activity, cancellationToken) switch
        {
            AgentCheck.Agent => null,
            AgentCheck.NotAgent => texts.Get("agents-only", UiLocale(turn.Activity, text)),
            _ => texts.Get("helpdesk-check-failed", UiLocale(turn.Activity, text)),
        };

    private bool IsHelpdeskChannel(Activity activity) => options.Value.IsHelpdeskChannel(activity.Conversation?.Id);

    /// <summary>The card in place of the one whose button was pressed; a new message when it cannot be replaced.</summary>
    private async Task ReplaceAsync(ITurnContext turn, Activity card, CancellationToken cancellationToken)
    {
        if (turn.Activity.ReplyToId is { Length: > 0 } cardId)
        {
            card.Id = cardId;
            try
            {
                await turn.UpdateActivityAsync(card, cancellationToken);
                return;
            }
            catch (HttpRequestException ex)
            {
                log.LogWarning(ex, "Could not update the co-pilot card {CardId}; sending it anew", cardId);
                card.Id = null;
            }
        }
        await SendAsync(turn, card, cancellationToken);
    }

    private static Task SendAsync(ITurnContext turn, Activity card, CancellationToken cancellationToken)
    {
        if (card.Attachments is not { Count: > 0 })
        {
            return SendTextAsync(turn, card.Text ?? "", cancellationToken);
        }
        var reply = turn.Activity.CreateReply();
        reply.Attachments = card.Attachments;
        reply.Summary = card.Summary;
        return turn.SendActivityAsync(reply, cancellationToken);
    }

    private static Task SendTextAsync(ITurnContext turn, string text, CancellationToken cancellationToken)
    {
        var reply = turn.Activity.CreateReply(text);
        reply.TextFormat = "markdown";
        return turn.SendActivityAsync(reply, cancellationToken);
    }

    /// <summary>The language of the words of a reply to an agent command: the command's, else the Teams client's.</summary>
    private static string UiLocale(Activity activity, string? text) =>
        TriageDialog.ChooseLocale(Core.Matching.LanguageGuess.Guess(text ?? ""), activity.Locale);

    private InvokeResponse TaskCard(Activity card, string ui) => Ok(new JsonObject
    {
        ["task"] = new JsonObject
        {
            ["type"] = "continue",
            ["value"] = new JsonObject
            {
                ["title"] = texts.Get("copilot-title", ui),
                ["height"] = "large",
                ["width"] = "large",
                ["card"] = new JsonObject
                {
                    ["contentType"] = card.Attachments![0].ContentType,
                    ["content"] = JsonNode.Parse(((JsonElement)card.Attachments[0].Content!).GetRawText()),
                },
            },
        },
    });

    private static InvokeResponse Ok(JsonObject body) => new() { Status = 200, Body = body };

    private static InvokeResponse BadRequest(string message) => new()
    {
        Status = 400,
        Body = new JsonObject { ["error"] = new JsonObject { ["code"] = "BadRequest", ["message"] = message } },
    };

    /// <summary>Reads an optional whole number; false when it is there but is not one.</summary>
    private static bool OptionalInt(JsonElement element, string name, ref int result)
    {
        if (!element.TryGetProperty(name, out var p) || p.ValueKind == JsonValueKind.Null)
        {
            return true;
        }
        if (p.ValueKind == JsonValueKind.Number && p.TryGetInt32(out var number))
        {
            result = number;
            return true;
        }
        return false;
    }

    private static int Int(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Number && p.TryGetInt32(out var n) ? n : 0;

    private static string? Str(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;

    private static string Shorten(string text, int max) => CopilotCards.Shorten(text, max);

    [GeneratedRegex(@"^TB-\d{1,9}$")]
    private static partial Regex TicketIdRegex();
}
