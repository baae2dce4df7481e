using TriageBot.Protocol.Schema;

namespace TriageBot.Protocol.Builder;

/// <summary>Default <see cref="ITurnContext"/>: fills outbound routing fields and delegates to the adapter.</summary>
public class TurnContext : ITurnContext
{
    /// <summary>Creates the context of a turn started by <paramref name="activity"/>.</summary>
    public TurnContext(BotAdapter adapter, Activity activity)
    {
        Adapter = adapter ?? throw new ArgumentNullException(nameof(adapter));
        Activity = activity ?? throw new ArgumentNullException(nameof(activity));
    }

    /// <inheritdoc />
    public BotAdapter Adapter { get; }

    /// <inheritdoc />
    public Activity Activity { get; }

    /// <inheritdoc />
    public TurnContextStateCollection TurnState { get; } = new();

    /// <inheritdoc />
    public bool Responded { get; private set; }

    /// <summary>Replies buffered for an <c>expectReplies</c> turn, in order.</summary>
    public List<Activity> BufferedReplyActivities { get; } = [];

    /// <inheritdoc />
    public Task<ResourceResponse> SendActivityAsync(string textReplyToSend, CancellationToken cancellationToken = default) =>
        SendActivityAsync(new Activity { Type = ActivityTypes.Message, Text = textReplyToSend }, cancellationToken);

    /// <inheritdoc />
    public async Task<ResourceResponse> SendActivityAsync(Activity activity, CancellationToken cancellationToken = default)
    {
        var responses = await SendActivitiesAsync([activity], cancellationToken).ConfigureAwait(false);
        return responses.Length > 0 ? responses[0] : new ResourceResponse();
    }

    /// <inheritdoc />
    public async Task<ResourceResponse[]> SendActivitiesAsync(Activity[] activities, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(activities);
        if (activities.Length == 0)
        {
            return [];
        }

        var reference = Activity.GetConversationReference();
        foreach (var activity in activities)
        {
            activity.Type ??= ActivityTypes.Message;
            activity.ApplyConversationReference(reference);
            activity.Id = null;
            activity.Timestamp = null;
        }

        var responses = await Adapter.SendActivitiesAsync(this, activities, cancellationToken).ConfigureAwait(false);
        Responded = true;
        return responses;
    }

    /// <inheritdoc />
    public Task<ResourceResponse> UpdateActivityAsync(Activity activity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(activity);
        if (string.IsNullOrEmpty(activity.Id))
        {
            throw new ArgumentException("The activity to update needs its Id.", nameof(activity));
        }

        activity.Type ??= ActivityTypes.Message;
        activity.ApplyConversationReference(Activity.GetConversationReference());
        return Adapter.UpdateActivityAsync(this, activity, cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteActivityAsync(string activityId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(activityId);
        var reference = Activity.GetConversationReference();
        reference.ActivityId = activityId;
        return Adapter.DeleteActivityAsync(this, reference, cancellationToken);
    }
}
