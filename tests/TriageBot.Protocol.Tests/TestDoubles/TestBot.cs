using TriageBot.Protocol.Builder;

namespace TriageBot.Protocol.Tests.TestDoubles;

/// <summary>An <see cref="IBot"/> whose turn is a lambda.</summary>
internal sealed class TestBot(Func<ITurnContext, Task> onTurn) : IBot
{
    public Task OnTurnAsync(ITurnContext turnContext, CancellationToken cancellationToken = default) => onTurn(turnContext);
}

/// <summary>An adapter that records what the bot sends.</summary>
internal sealed class RecordingAdapter : BotAdapter
{
    public List<TriageBot.Protocol.Schema.Activity> Sent { get; } = [];

    public override Task<TriageBot.Protocol.Schema.ResourceResponse[]> SendActivitiesAsync(ITurnContext turnContext, TriageBot.Protocol.Schema.Activity[] activities, CancellationToken cancellationToken)
    {
        Sent.AddRange(activities);
        return Task.FromResult(activities.Select((_, i) => new TriageBot.Protocol.Schema.ResourceResponse($"sent-{Sent.Count - activities.Length + i}")).ToArray());
    }

    public override Task<TriageBot.Protocol.Schema.ResourceResponse> UpdateActivityAsync(ITurnContext turnContext, TriageBot.Protocol.Schema.Activity activity, CancellationToken cancellationToken) =>
        Task.FromResult(new TriageBot.Protocol.Schema.ResourceResponse(activity.Id));

    public override Task DeleteActivityAsync(ITurnContext turnContext, TriageBot.Protocol.Schema.ConversationReference reference, CancellationToken cancellationToken) =>
        Task.CompletedTask;
}
