using System.Text.Json;
using TriageBot.Core.Matching;
using TriageBot.Dialogs;
using TriageBot.Protocol.Builder;
using TriageBot.Protocol.Integration;
using TriageBot.Protocol.Schema;

namespace TriageBot.Resilience;

/// <summary>
/// The adapter's <see cref="BotAdapter.OnTurnError"/>: what the user hears when a turn fails, and what happens to
/// the conversation's state. The state is deleted only for a genuine bug (the state may be what breaks every turn);
/// never when the storage is out of reach or still busy with other turns of the conversation (the state is fine,
/// and the next message continues from it), nor when the connector would not take the reply.
/// </summary>
internal sealed class TurnErrorHandler(ConversationState conversationState, BotTexts texts, ILogger<TurnErrorHandler> log)
{
    /// <summary>The <c>name</c> of the Universal Actions invoke (<c>Action.Execute</c>).</summary>
    private const string ExecuteInvokeName = "adaptiveCard/action";

    public async Task HandleAsync(ITurnContext turn, Exception exception)
    {
        var conversationId = turn.Activity.Conversation?.Id;
        if (Find<StorageUnavailableException>(exception) is not null)
        {
            log.LogWarning(exception, "Storage unavailable during a turn in conversation {ConversationId}; the user was asked to try again in a moment", conversationId);
            await TryAgainLaterAsync(turn);
            return;
        }

        if (Find<StorageConcurrencyException>(exception) is { } conflict)
        {
            log.LogWarning(exception, "Turn in conversation {ConversationId} kept meeting concurrent writes of {Key} ({Attempts} attempts); the user was asked to try again in a moment",
                conversationId, conflict.Key, turn.TurnState.TryGetValue(CloudAdapter.TurnAttemptKey, out var attempts) ? attempts : 1);
            await TryAgainLaterAsync(turn);
            return;
        }

        log.LogError(exception, "Turn failed in conversation {ConversationId}", conversationId);
        if (Find<HttpRequestException>(exception) is null)
        {
            try
            {
                // A conversation whose state broke the turn must not break the next one too.
                await conversationState.DeleteAsync(turn);
            }
            catch (Exception cleanup)
            {
                log.LogWarning(cleanup, "Could not clear the state of conversation {ConversationId}", conversationId);
            }
        }

        if (turn.Activity.Type == ActivityTypes.Message)
        {
            await turn.SendActivityAsync(turn.Activity.CreateReply(texts.Get("apology", TriageDialog.ChooseLocale("en-us", turn.Activity.Locale))));
        }
    }

    /// <summary>
    /// A message gets the short "try again in a moment" in its language; an <c>Action.Execute</c> gets it as the
    /// Universal Actions error the client shows on the card; another invoke gets 503.
    /// </summary>
    private async Task TryAgainLaterAsync(ITurnContext turn)
    {
        var activity = turn.Activity;
        var locale = TriageDialog.ChooseLocale(LanguageGuess.Guess(activity.Text ?? ""), activity.Locale);
        var text = texts.Get("storage-unavailable", locale);
        if (activity.Type == ActivityTypes.Message)
        {
            await turn.SendActivityAsync(activity.CreateReply(text));
        }
        else if (activity.Type == ActivityTypes.Invoke)
        {
            var response = activity.Name == ExecuteInvokeName
                ? new InvokeResponse { Status = 200, Body = new { statusCode = 503, type = "application/vnd.microsoft.error", value = new { code = "ServiceUnavailable", message = text } } }
                : new InvokeResponse { Status = 503 };
            await turn.SendActivityAsync(new Activity { Type = ActivityTypes.InvokeResponse, Value = JsonSerializer.SerializeToElement(response, ProtocolJson.Options) });
        }
    }

    private static T? Find<T>(Exception exception)
        where T : Exception
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }

        return null;
    }
}
