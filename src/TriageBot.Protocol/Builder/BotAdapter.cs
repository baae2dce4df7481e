using TriageBot.Protocol.Schema;

namespace TriageBot.Protocol.Builder;

/// <summary>Connects a bot to a channel: runs turns and carries the bot's outbound activities.</summary>
public abstract class BotAdapter
{
    /// <summary>Turn-state key under which the invoke response activity of an invoke turn is kept.</summary>
    public const string InvokeResponseKey = "BotFrameworkAdapter.InvokeResponse";

    /// <summary>
    /// Called when a turn throws. Typical handler: log with the conversation id, apologise to the user,
    /// clear conversation state so the next message starts clean. When null the exception propagates.
    /// </summary>
    public Func<ITurnContext, Exception, Task>? OnTurnError { get; set; }

    /// <summary>Sends activities to the conversation.</summary>
    public abstract Task<ResourceResponse[]> SendActivitiesAsync(ITurnContext turnContext, Activity[] activities, CancellationToken cancellationToken);

    /// <summary>Replaces an existing activity.</summary>
    public abstract Task<ResourceResponse> UpdateActivityAsync(ITurnContext turnContext, Activity activity, CancellationToken cancellationToken);

    /// <summary>Deletes an existing activity (<see cref="ConversationReference.ActivityId"/>).</summary>
    public abstract Task DeleteActivityAsync(ITurnContext turnContext, ConversationReference reference, CancellationToken cancellationToken);

    /// <summary>Runs <paramref name="callback"/> as a proactive turn in the referenced conversation.</summary>
    public virtual async Task ContinueConversationAsync(ConversationReference reference, BotCallbackHandler callback, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(callback);
        var context = new TurnContext(this, reference.GetContinuationActivity());
        await RunPipelineAsync(context, callback, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs the turn; on an exception calls <see cref="OnTurnError"/>, or rethrows when it is not set.</summary>
    protected async Task RunPipelineAsync(ITurnContext turnContext, BotCallbackHandler callback, CancellationToken cancellationToken)
    {
        try
        {
            await callback(turnContext, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (OnTurnError is not null && !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            await OnTurnError(turnContext, ex).ConfigureAwait(false);
        }
    }
}
