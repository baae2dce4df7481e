using System.Text.Json;
using TriageBot.Protocol.Schema;

namespace TriageBot.Protocol.Builder;

/// <summary>
/// An <see cref="IBot"/> that dispatches each activity type to an overridable method.
/// Every method does nothing by default, except <see cref="OnInvokeActivityAsync"/> (501).
/// </summary>
public class ActivityHandler : IBot
{
    /// <inheritdoc />
    public virtual async Task OnTurnAsync(ITurnContext turnContext, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(turnContext);
        switch (turnContext.Activity.Type)
        {
            case ActivityTypes.Message:
                await OnMessageActivityAsync(turnContext, cancellationToken).ConfigureAwait(false);
                break;
            case ActivityTypes.ConversationUpdate:
                await OnConversationUpdateActivityAsync(turnContext, cancellationToken).ConfigureAwait(false);
                break;
            case ActivityTypes.InstallationUpdate:
                await OnInstallationUpdateActivityAsync(turnContext, cancellationToken).ConfigureAwait(false);
                break;
            case ActivityTypes.Invoke:
                var response = await OnInvokeActivityAsync(turnContext, cancellationToken).ConfigureAwait(false);
                if (!turnContext.TurnState.ContainsKey(BotAdapter.InvokeResponseKey))
                {
                    await turnContext.SendActivityAsync(
                        new Activity
                        {
                            Type = ActivityTypes.InvokeResponse,
                            Value = JsonSerializer.SerializeToElement(response, ProtocolJson.Options),
                        },
                        cancellationToken).ConfigureAwait(false);
                }

                break;
            case ActivityTypes.MessageReaction:
                await OnMessageReactionActivityAsync(turnContext, cancellationToken).ConfigureAwait(false);
                break;
            case ActivityTypes.Event:
                await OnEventActivityAsync(turnContext, cancellationToken).ConfigureAwait(false);
                break;
            case ActivityTypes.Typing:
                await OnTypingActivityAsync(turnContext, cancellationToken).ConfigureAwait(false);
                break;
            default:
                await OnUnrecognizedActivityTypeAsync(turnContext, cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>A message (typed text, or an Action.Submit with <see cref="Activity.Value"/>).</summary>
    protected virtual Task OnMessageActivityAsync(ITurnContext turnContext, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// A conversationUpdate. Calls <see cref="OnMembersAddedAsync"/> when members other than the bot joined.
    /// </summary>
    protected virtual Task OnConversationUpdateActivityAsync(ITurnContext turnContext, CancellationToken cancellationToken)
    {
        var activity = turnContext.Activity;
        var botId = activity.Recipient?.Id;
        var added = activity.MembersAdded?.Where(m => m is not null && !string.Equals(m.Id, botId, StringComparison.Ordinal)).ToList();
        return added is { Count: > 0 }
            ? OnMembersAddedAsync(added, turnContext, cancellationToken)
            : Task.CompletedTask;
    }

    /// <summary>
    /// Members joined. Receives only the members other than the bot itself (the bot appearing in
    /// <see cref="Activity.MembersAdded"/> means it was just installed; read the activity for that).
    /// </summary>
    protected virtual Task OnMembersAddedAsync(IList<ChannelAccount> membersAdded, ITurnContext turnContext, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>An installationUpdate; dispatches on <see cref="Activity.Action"/>.</summary>
    protected virtual Task OnInstallationUpdateActivityAsync(ITurnContext turnContext, CancellationToken cancellationToken) =>
        turnContext.Activity.Action?.ToLowerInvariant() switch
        {
            "add" or "add-upgrade" => OnInstallationUpdateAddAsync(turnContext, cancellationToken),
            "remove" or "remove-upgrade" => OnInstallationUpdateRemoveAsync(turnContext, cancellationToken),
            _ => Task.CompletedTask,
        };

    /// <summary>The bot was installed (or upgraded); capture the conversation reference here.</summary>
    protected virtual Task OnInstallationUpdateAddAsync(ITurnContext turnContext, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The bot was uninstalled.</summary>
    protected virtual Task OnInstallationUpdateRemoveAsync(ITurnContext turnContext, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>An invoke; the returned response becomes the HTTP answer. Default: 501 Not Implemented.</summary>
    protected virtual Task<InvokeResponse> OnInvokeActivityAsync(ITurnContext turnContext, CancellationToken cancellationToken) =>
        Task.FromResult(new InvokeResponse { Status = 501 });

    /// <summary>Reactions were added to or removed from a message.</summary>
    protected virtual Task OnMessageReactionActivityAsync(ITurnContext turnContext, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>An event activity.</summary>
    protected virtual Task OnEventActivityAsync(ITurnContext turnContext, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>A typing indicator.</summary>
    protected virtual Task OnTypingActivityAsync(ITurnContext turnContext, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Any other activity type; ignored by default.</summary>
    protected virtual Task OnUnrecognizedActivityTypeAsync(ITurnContext turnContext, CancellationToken cancellationToken) => Task.CompletedTask;
}
