using TriageBot.Protocol.Builder;
using TriageBot.Protocol.Schema;

namespace TriageBot.Resilience;

/// <summary>
/// Processes a message once when it is delivered again with the same activity id (Bot Framework channels redeliver
/// when the bot answered too slowly or the answer got lost; a client may replay). Conversation state remembers the
/// ids of the last messages whose turns saved it (<see cref="BotState.RememberedActivityIds"/>), in the same write
/// as their changes; a message whose id is among them is acknowledged and ignored: no reply, no change. Two copies
/// arriving together on two instances meet as an ETag conflict, and the retried copy then finds its id.
/// A message whose turn changed nothing in the conversation state is not remembered, and runs again if redelivered:
/// such turns (help, a ticket button in the helpdesk channel, a forged card) only answer or act idempotently.
/// </summary>
internal sealed class ReplayGuard(IBot bot, ConversationState conversationState, ILogger<ReplayGuard> log) : IBot
{
    public async Task OnTurnAsync(ITurnContext turnContext, CancellationToken cancellationToken = default)
    {
        var activity = turnContext.Activity;
        if (activity.Type == ActivityTypes.Message && await conversationState.HasSavedActivityAsync(turnContext, cancellationToken))
        {
            log.LogInformation("Message {ActivityId} in conversation {ConversationId} was processed already; this copy is ignored", activity.Id, activity.Conversation?.Id);
            return;
        }

        await bot.OnTurnAsync(turnContext, cancellationToken);
    }
}
