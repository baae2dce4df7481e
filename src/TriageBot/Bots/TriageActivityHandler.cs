using TriageBot.Core.Matching;
using TriageBot.Protocol.Builder;
using TriageBot.Protocol.Schema;

namespace TriageBot.Bots;

/// <summary>
/// The bot's turn logic: welcomes people, answers a pasted error with the matcher's result, and
/// remembers where it was installed (for proactive messages later).
/// </summary>
internal sealed class TriageActivityHandler(ErrorMatcher matcher, IStorage storage, ConversationState conversationState, ILogger<TriageActivityHandler> log) : ActivityHandler
{
    public override async Task OnTurnAsync(ITurnContext turnContext, CancellationToken cancellationToken = default)
    {
        await base.OnTurnAsync(turnContext, cancellationToken);
        await conversationState.SaveChangesAsync(turnContext, false, cancellationToken);
    }

    protected override async Task OnMessageActivityAsync(ITurnContext turnContext, CancellationToken cancellationToken)
    {
        var activity = turnContext.Activity;
        var text = activity.RemoveRecipientMention()?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            var reply = activity.Value is { } ? Replies.UnknownSubmit : Replies.EmptyMessage;
            await turnContext.SendActivityAsync(activity.CreateReply(reply), cancellationToken);
            return;
        }
        var result = matcher.Match(text);
        var message = activity.CreateReply(Replies.ForMatch(result));
        message.TextFormat = "markdown";
        await turnContext.SendActivityAsync(message, cancellationToken);
    }

    protected override async Task OnConversationUpdateActivityAsync(ITurnContext turnContext, CancellationToken cancellationToken)
    {
        // The bot itself in membersAdded means it was just installed: welcome the conversation once.
        // Otherwise welcome the people who joined.
        var added = turnContext.Activity.MembersAdded ?? [];
        if (added.Count > 0)
        {
            var welcome = turnContext.Activity.CreateReply(Replies.Welcome);
            welcome.TextFormat = "markdown";
            await turnContext.SendActivityAsync(welcome, cancellationToken);
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
}
