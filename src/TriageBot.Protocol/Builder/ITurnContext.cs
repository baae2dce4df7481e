using TriageBot.Protocol.Schema;

namespace TriageBot.Protocol.Builder;

/// <summary>Context of one turn: the inbound activity and the means to answer it.</summary>
public interface ITurnContext
{
    /// <summary>The adapter running the turn.</summary>
    BotAdapter Adapter { get; }

    /// <summary>The inbound activity.</summary>
    Activity Activity { get; }

    /// <summary>Per-turn services and values (state caches, the caller's identity, ...).</summary>
    TurnContextStateCollection TurnState { get; }

    /// <summary>True once the bot sent anything in this turn.</summary>
    bool Responded { get; }

    /// <summary>Sends a plain text message.</summary>
    Task<ResourceResponse> SendActivityAsync(string textReplyToSend, CancellationToken cancellationToken = default);

    /// <summary>Sends one activity; routing fields are filled from the inbound activity.</summary>
    Task<ResourceResponse> SendActivityAsync(Activity activity, CancellationToken cancellationToken = default);

    /// <summary>Sends activities in order; routing fields are filled from the inbound activity.</summary>
    Task<ResourceResponse[]> SendActivitiesAsync(Activity[] activities, CancellationToken cancellationToken = default);

    /// <summary>Replaces a previously sent activity (its <see cref="Activity.Id"/> must be set).</summary>
    Task<ResourceResponse> UpdateActivityAsync(Activity activity, CancellationToken cancellationToken = default);

    /// <summary>Deletes a previously sent activity of this conversation.</summary>
    Task DeleteActivityAsync(string activityId, CancellationToken cancellationToken = default);
}
