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
    ILogger<TriageActivityHandler> log) : ActivityHandler
{
    private readonly DialogSet _dialogs = new DialogSet(conversationState.CreateProperty<DialogState>("dialogState")).Add(triage);

    public override async Task OnTurnAsync(ITurnContext turnContext, CancellationToken cancellationToken = default)
    {
        await base.OnTurnAsync(turnContext, cancellationToken);
        await conversationState.SaveChangesAsync(turnContext, false, cancellationToken);
    }

    protected override async Task OnMessageActivityAsync(ITurnContext turnContext, CancellationToken cancellationToken)
    {
        var dc = await _dialogs.CreateContextAsync(turnContext, cancellationToken);
        if (dc.ActiveDialog is not null)
        {
            await dc.ContinueDialogAsync(cancellationToken);
            return;
        }

        var activity = turnContext.Activity;
        var text = activity.RemoveRecipientMention()?.Trim();
        var locale = TriageDialog.ChooseLocale(Core.Matching.LanguageGuess.Guess(text ?? ""), activity.Locale);
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

    protected override async Task OnConversationUpdateActivityAsync(ITurnContext turnContext, CancellationToken cancellationToken)
    {
        // The bot itself in membersAdded means it was just installed: welcome the conversation once.
        // Otherwise welcome the people who joined.
        if (turnContext.Activity.MembersAdded is { Count: > 0 })
        {
            await SendAsync(turnContext, texts.Get("welcome", TriageDialog.ChooseLocale("en-us", turnContext.Activity.Locale)), cancellationToken);
        }
    }

    protected override async Task OnInstallationUpdateAddAsync(ITurnContext turnContext, CancellationToken cancellationToken)
    {
        var reference = turnContext.Activity.GetConversationReference();
        await storage.WriteAsync(new Dictionary<string, object> { [$"references/{reference.Conversation?.Id}"] = reference }, cancellationToken);
        log.LogInformation("Installed in conversation {ConversationId} ({Type})", reference.Conversation?.Id, turnContext.Activity.Conversation?.ConversationType);
    }

    protected override async Task OnInstallationUpdateRemoveAsync(ITurnContext turnContext, CancellationToken cancellationToken)
    {
        await storage.DeleteAsync([$"references/{turnContext.Activity.Conversation?.Id}"], cancellationToken);
    }

    private static Task SendAsync(ITurnContext turnContext, string text, CancellationToken cancellationToken)
    {
        var reply = turnContext.Activity.CreateReply(text);
        reply.TextFormat = "markdown";
        return turnContext.SendActivityAsync(reply, cancellationToken);
    }
}
