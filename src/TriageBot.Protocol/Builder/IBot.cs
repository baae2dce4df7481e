namespace TriageBot.Protocol.Builder;

/// <summary>A bot: handles one turn (one inbound activity) at a time.</summary>
public interface IBot
{
    /// <summary>Handles an inbound activity.</summary>
    Task OnTurnAsync(ITurnContext turnContext, CancellationToken cancellationToken = default);
}

/// <summary>Callback run as a turn (proactive messages, conversation creation).</summary>
public delegate Task BotCallbackHandler(ITurnContext turnContext, CancellationToken cancellationToken);
