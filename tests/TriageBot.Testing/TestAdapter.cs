using TriageBot.Protocol.Builder;
using TriageBot.Protocol.Schema;

namespace TriageBot.Testing;

/// <summary>
/// An in-memory adapter for conversation tests: every turn gets a fresh <see cref="TurnContext"/>, the
/// bot's replies are queued for <see cref="TestFlow"/>, and the states given to <see cref="UseState"/>
/// are saved at the end of every successful turn, so each turn reloads them from storage JSON as in production.
/// </summary>
public class TestAdapter : BotAdapter
{
    private readonly List<BotState> _states = [];
    private readonly Queue<Activity> _replies = new();
    private int _nextId;

    /// <summary>Creates an adapter for one conversation.</summary>
    /// <param name="conversationId">The conversation's id (state is keyed by it).</param>
    /// <param name="locale">Locale of the user's activities.</param>
    public TestAdapter(string conversationId = "convo1", string locale = "en-US")
    {
        Conversation = new ConversationReference
        {
            ChannelId = ChannelIds.Test,
            ServiceUrl = "https://test.localhost/",
            Conversation = new ConversationAccount(conversationId),
            User = new ChannelAccount("user1", "User1"),
            Bot = new ChannelAccount("bot", "Bot"),
            Locale = locale,
        };
    }

    /// <summary>Routing of the user's activities (channel, conversation, user, bot, locale).</summary>
    public ConversationReference Conversation { get; }

    /// <summary>Every activity the bot sent, in order (the queue <see cref="GetNextReply"/> reads is separate).</summary>
    public List<Activity> Sent { get; } = [];

    /// <summary>Every activity the bot updated in place (<see cref="UpdateActivityAsync"/>), in order, whether or not it is in <see cref="Sent"/>.</summary>
    public List<Activity> Updated { get; } = [];

    /// <summary>Saves these states at the end of each turn (what the host's turn pipeline does once per turn).</summary>
    public TestAdapter UseState(params BotState[] states)
    {
        _states.AddRange(states);
        return this;
    }

    /// <summary>A message from the user (routing, id and locale are filled in when it is processed).</summary>
    public Activity MakeActivity(string? text = null)
    {
        var activity = Activity.CreateMessageActivity();
        activity.Text = text;
        return activity;
    }

    /// <summary>Runs one turn for <paramref name="activity"/> (routing, id and locale are filled in when missing).</summary>
    public async Task ProcessActivityAsync(Activity activity, BotCallbackHandler callback, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(activity);
        ArgumentNullException.ThrowIfNull(callback);
        activity.Type ??= ActivityTypes.Message;
        activity.ChannelId ??= Conversation.ChannelId;
        activity.ServiceUrl ??= Conversation.ServiceUrl;
        activity.Conversation ??= Conversation.Conversation;
        activity.From ??= Conversation.User;
        activity.Recipient ??= Conversation.Bot;
        activity.Locale ??= Conversation.Locale;
        activity.Id ??= $"user-{++_nextId}";

        var context = new TurnContext(this, activity);
        await RunPipelineAsync(
            context,
            async (turnContext, ct) =>
            {
                await callback(turnContext, ct).ConfigureAwait(false);
                foreach (var state in _states)
                {
                    await state.SaveChangesAsync(turnContext, false, ct).ConfigureAwait(false);
                }
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The oldest reply not yet read, or null.</summary>
    public Activity? GetNextReply() => _replies.TryDequeue(out var reply) ? reply : null;

    /// <summary>How many replies have not been read.</summary>
    public int PendingReplies => _replies.Count;

    /// <inheritdoc />
    public override Task<ResourceResponse[]> SendActivitiesAsync(ITurnContext turnContext, Activity[] activities, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(activities);
        var responses = new ResourceResponse[activities.Length];
        for (var i = 0; i < activities.Length; i++)
        {
            var activity = activities[i];
            activity.Id ??= $"bot-{++_nextId}";
            Sent.Add(activity);
            _replies.Enqueue(activity);
            responses[i] = new ResourceResponse(activity.Id);
        }

        return Task.FromResult(responses);
    }

    /// <inheritdoc />
    public override Task<ResourceResponse> UpdateActivityAsync(ITurnContext turnContext, Activity activity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(activity);
        Updated.Add(activity);
        var index = Sent.FindIndex(sent => sent.Id == activity.Id);
        if (index >= 0)
        {
            Sent[index] = activity;
        }

        return Task.FromResult(new ResourceResponse(activity.Id));
    }

    /// <inheritdoc />
    public override Task DeleteActivityAsync(ITurnContext turnContext, ConversationReference reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        Sent.RemoveAll(sent => sent.Id == reference.ActivityId);
        return Task.CompletedTask;
    }
}
