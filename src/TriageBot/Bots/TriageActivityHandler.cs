using Microsoft.Extensions.Options;
using TriageBot.Dialogs;
using TriageBot.Protocol.Builder;
using TriageBot.Protocol.Dialogs;
using TriageBot.Protocol.Schema;

namespace TriageBot.Bots;

/// <summary>
/// The bot's turn logic: a message continues the active triage or starts one on the pasted text;
/// people are welcomed; the places the bot is installed are remembered for proactive messages.
/// </summary>
internal sealed class TriageActivityHandler(
    TriageDialog triage,
    BotTexts texts,
    IStorage storage,
    ConversationState conversationState,
    HelpdeskTurns helpdesk,
    CopilotTurns copilot,
    IOptions<Escalation.EscalationOptions> escalation,
    Escalation.HelpdeskAgents agents,
    ILogger<TriageActivityHandler> log) : ActivityHandler
{
    private readonly DialogSet _dialogs = new DialogSet(conversationState.CreateProperty<DialogState>("dialogState")).Add(triage);
    private readonly IStatePropertyAccessor<List<string>> _ticketsHere = conversationState.CreateProperty<List<string>>(TriageDialog.TicketsProperty);

    public override async Task OnTurnAsync(ITurnContext turnContext, CancellationToken cancellationToken = default)
    {
        await base.OnTurnAsync(turnContext, cancellationToken);
        await conversationState.SaveChangesAsync(turnContext, false, cancellationToken);
    }

    protected override async Task OnMessageActivityAsync(ITurnContext turnContext, CancellationToken cancellationToken)
    {
        var activity = turnContext.Activity;

        // The ticket card's buttons (Action.Submit fallback) and the answer to a helpdesk question come from
        // cards outside any triage, so they are handled before it.
        if (activity.Value is { ValueKind: System.Text.Json.JsonValueKind.Object } value)
        {
            if (value.TryGetProperty(Cards.TicketVerbs.SubmitKey, out _))
            {
                await helpdesk.OnSubmitAsync(turnContext, value, cancellationToken);
                return;
            }
            if (value.TryGetProperty(Cards.TicketVerbs.ReplyKey, out _))
            {
                await helpdesk.OnAnswerAsync(turnContext, value, cancellationToken);
                return;
            }
        }

        // Agents' commands and the co-pilot card's buttons come before any triage.
        if (await copilot.OnMessageAsync(turnContext, cancellationToken))
        {
            return;
        }

        var text = activity.RemoveRecipientMention()?.Trim();

        // The helpdesk asked this user a question: their next typed message is the answer, even in the middle
        // of a triage (the question is the newer one; the triage waits). Looked up only in conversations that
        // made a ticket, so other turns cost no storage read.
        if (activity.Value is null && !string.IsNullOrEmpty(text) && texts.CommandOf(text) == BotCommand.None
            && await _ticketsHere.GetAsync(turnContext, null, cancellationToken) is { Count: > 0 }
            && await helpdesk.IsAwaitedAnswerAsync(turnContext, cancellationToken))
        {
            await helpdesk.OnAnswerAsync(turnContext, null, cancellationToken);
            return;
        }

        var dc = await _dialogs.CreateContextAsync(turnContext, cancellationToken);
        if (dc.ActiveDialog is not null)
        {
            await dc.ContinueDialogAsync(cancellationToken);
            return;
        }

        var locale = TriageDialog.ChooseLocale(Core.Matching.LanguageGuess.Guess(text ?? ""), activity.Locale);
        if (TriageDialog.IsHelpdeskButton(activity.Value) && string.IsNullOrEmpty(text))
        {
            // The fallback card ends its triage; its helpdesk button hands that triage over (an older card's is stale).
            await dc.BeginDialogAsync(TriageDialog.DialogId, TriageDialog.HelpdeskButton, cancellationToken);
            return;
        }
        if (activity.Value is not null && string.IsNullOrEmpty(text))
        {
            // A card button with no triage behind it (an old card, or a forged submit).
            await SendAsync(turnContext, texts.Get("unknown-submit", locale), cancellationToken);
            return;
        }
        switch (texts.CommandOf(text))
        {
            case BotCommand.Help:
                await SendAsync(turnContext, texts.Get("help", locale), cancellationToken);
                return;
            case BotCommand.Human:
                await dc.BeginDialogAsync(TriageDialog.DialogId, TriageDialog.HumanRequest, cancellationToken);
                return;
            case BotCommand.Cancel:
                await SendAsync(turnContext, texts.Get("cancelled", locale), cancellationToken);
                return;
            case BotCommand.Restart:
                await SendAsync(turnContext, texts.Get("empty", locale), cancellationToken);
                return;
        }
        if (string.IsNullOrEmpty(text))
        {
            await SendAsync(turnContext, texts.Get("empty", locale), cancellationToken);
            return;
        }
        await dc.BeginDialogAsync(TriageDialog.DialogId, text, cancellationToken);
    }

    protected override async Task<InvokeResponse> OnInvokeActivityAsync(ITurnContext turnContext, CancellationToken cancellationToken)
    {
        var activity = turnContext.Activity;
        if (activity.Name == HelpdeskTurns.ExecuteInvokeName)
        {
            // Universal Actions: value = { action: { type: "Action.Execute", verb, data }, trigger }.
            var action = activity.Value is { ValueKind: System.Text.Json.JsonValueKind.Object } v && v.TryGetProperty("action", out var a) ? a : default;
            var verb = HelpdeskTurns.Str(action, "verb");
            if (HelpdeskTurns.IsTicketVerb(verb))
            {
                var data = action.TryGetProperty("data", out var d) ? d : default;
                return await helpdesk.OnExecuteAsync(turnContext, verb!, data, cancellationToken);
            }
            log.LogInformation("adaptiveCard/action with unknown verb {Verb}", verb);
            return new InvokeResponse
            {
                Status = 200,
                Body = new AdaptiveCardInvokeResponse
                {
                    StatusCode = 400,
                    Type = "application/vnd.microsoft.error",
                    Value = new { code = "BadRequest", message = texts.Get("helpdesk-unknown-action", "en-us") },
                },
            };
        }
        if (CopilotTurns.HandlesInvoke(activity.Name))
        {
            return await copilot.OnInvokeAsync(turnContext, cancellationToken);
        }
        return await base.OnInvokeActivityAsync(turnContext, cancellationToken);
    }

    protected override async Task OnConversationUpdateActivityAsync(ITurnContext turnContext, CancellationToken cancellationToken)
    {
        // The bot itself in membersAdded means it was just installed: welcome the conversation once.
        // Otherwise welcome the people who joined. The helpdesk channel hears what the bot does for agents.
        if (turnContext.Activity.MembersAdded is { Count: > 0 })
        {
            var welcome = escalation.Value.IsHelpdeskChannel(turnContext.Activity.Conversation?.Id) ? "helpdesk-welcome" : "welcome";
            await SendAsync(turnContext, texts.Get(welcome, TriageDialog.ChooseLocale("en-us", turnContext.Activity.Locale)), cancellationToken);
        }
    }

    protected override async Task OnInstallationUpdateAddAsync(ITurnContext turnContext, CancellationToken cancellationToken)
    {
        var reference = turnContext.Activity.GetConversationReference();
        var changes = new Dictionary<string, object> { [$"references/{reference.Conversation?.Id}"] = reference };
        var channelId = reference.Conversation?.Id;
        var teamId = turnContext.Activity.TeamsGetTeamInfo()?.Id;
        var recordsTeam = !string.IsNullOrEmpty(teamId) && !string.IsNullOrEmpty(channelId);
        if (recordsTeam)
        {
            // Which team a channel is in: its members are the helpdesk agents when it is the helpdesk channel.
            changes[Escalation.InstalledTeam.Key(channelId!)] = new Escalation.InstalledTeam { TeamId = teamId! };
        }
        await storage.WriteAsync(changes, cancellationToken);
        if (recordsTeam)
        {
            // This instance's agent checks use the new team at once, not the one they read before.
            agents.TeamRecorded(channelId!, teamId);
        }
        log.LogInformation("Installed in conversation {ConversationId} ({Type})", reference.Conversation?.Id, turnContext.Activity.Conversation?.ConversationType);
    }

    protected override async Task OnInstallationUpdateRemoveAsync(ITurnContext turnContext, CancellationToken cancellationToken)
    {
        var conversationId = turnContext.Activity.Conversation?.Id;
        await storage.DeleteAsync([$"references/{conversationId}", Escalation.InstalledTeam.Key(conversationId ?? "")], cancellationToken);
        agents.TeamRecorded(conversationId ?? "", null);
    }

    private static Task SendAsync(ITurnContext turnContext, string text, CancellationToken cancellationToken)
    {
        var reply = turnContext.Activity.CreateReply(text);
        reply.TextFormat = "markdown";
        return turnContext.SendActivityAsync(reply, cancellationToken);
    }
}
