using System.Buffers;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TriageBot.Protocol.Authentication;
using TriageBot.Protocol.Builder;
using TriageBot.Protocol.Connector;
using TriageBot.Protocol.Schema;

namespace TriageBot.Protocol.Integration;

/// <summary>Processes Bot Framework HTTP requests (<c>POST /api/messages</c>).</summary>
public interface IBotFrameworkHttpAdapter
{
    /// <summary>Reads, authenticates and runs one inbound activity, and writes the HTTP answer.</summary>
    Task ProcessAsync(HttpRequest httpRequest, HttpResponse httpResponse, IBot bot, CancellationToken cancellationToken = default);
}

/// <summary>
/// The Bot Framework adapter for ASP.NET Core: authenticates inbound activities, runs the bot, and sends
/// its replies through the connector, or returns them in the response for <c>expectReplies</c> and invokes.
/// </summary>
/// <remarks>
/// <para>
/// <b>Concurrent turns.</b> Several instances may share one store, and two turns of one conversation may run at
/// once (two quick messages, a redelivery). State is written with the ETag it was read with, so the second
/// writer gets <see cref="StorageConcurrencyException"/>. The adapter then runs the whole turn again, up to
/// <see cref="BotFrameworkOptions.MaxTurnAttempts"/> times, each time with a fresh <see cref="TurnContext"/>
/// (an empty turn state, so the state is read again, and the activity as received): the turn is applied once,
/// to the state the other turn left, as if the two had come one after the other.
/// </para>
/// <para>
/// A retried turn must not be heard twice, so while retries are possible the replies of an attempt are held
/// back (<c>expectReplies</c> replies are in the attempt's own buffer anyway) and sent, in order, only after
/// the bot returned, that is after its state was saved: a reply always describes saved state. Replies of an
/// attempt that failed are dropped, and <see cref="BotAdapter.OnTurnError"/> speaks instead. The price: while a
/// turn runs, <see cref="ITurnContext.SendActivityAsync(Activity, CancellationToken)"/> returns a
/// <see cref="ResourceResponse"/> without an id, and a typing indicator is the only activity sent at once.
/// Updates and deletions of earlier activities are not held back: they replace or remove what is there, so
/// doing one again is harmless. Work a turn does outside its state must be idempotent too (TriageBot's tickets
/// are created under an idempotency key taken from the conversation's state).
/// </para>
/// </remarks>
public class CloudAdapter : BotAdapter, IBotFrameworkHttpAdapter
{
    /// <summary>Turn-state key of the caller's <see cref="ClaimsIdentity"/>.</summary>
    public const string BotIdentityKey = "BotIdentity";

    /// <summary>Turn-state key of the number of the attempt running (1, 2, ...; see <see cref="BotFrameworkOptions.MaxTurnAttempts"/>).</summary>
    public const string TurnAttemptKey = "BotFrameworkAdapter.TurnAttempt";

    // Turn-state key of the replies held back until the attempt completes.
    private const string HeldRepliesKey = "BotFrameworkAdapter.HeldReplies";

    private readonly JwtTokenValidation _authentication;
    private readonly IConnectorClient _connector;
    private readonly TrustedServiceUrls _trustedServiceUrls;
    private readonly BotFrameworkOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates the adapter.</summary>
    public CloudAdapter(
        JwtTokenValidation authentication,
        IConnectorClient connector,
        TrustedServiceUrls trustedServiceUrls,
        IOptions<BotFrameworkOptions> options,
        ILogger<CloudAdapter> logger)
    {
        _authentication = authentication ?? throw new ArgumentNullException(nameof(authentication));
        _connector = connector ?? throw new ArgumentNullException(nameof(connector));
        _trustedServiceUrls = trustedServiceUrls ?? throw new ArgumentNullException(nameof(trustedServiceUrls));
        _options = options?.Value ?? throw new ArgumentNullException(nameof(options));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <inheritdoc />
    public async Task ProcessAsync(HttpRequest httpRequest, HttpResponse httpResponse, IBot bot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(httpRequest);
        ArgumentNullException.ThrowIfNull(httpResponse);
        ArgumentNullException.ThrowIfNull(bot);

        if (!HttpMethods.IsPost(httpRequest.Method))
        {
            httpResponse.Headers.Allow = "POST";
            await WriteProblemAsync(httpResponse, StatusCodes.Status405MethodNotAllowed, "Method not allowed", "Only POST is accepted.", cancellationToken).ConfigureAwait(false);
            return;
        }

        var body = await ReadBodyAsync(httpRequest, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            await WriteProblemAsync(httpResponse, StatusCodes.Status413PayloadTooLarge, "Payload too large", $"The request body exceeds {_options.MaxRequestBodyBytes} bytes.", cancellationToken).ConfigureAwait(false);
            return;
        }

        // JSON text may start with a UTF-8 byte order mark (RFC 8259 lets a reader ignore it); the reader does not skip it.
        if (body.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            body = body[3..];
        }

        Activity? activity;
        try
        {
            // System.Text.Json checks UTF-8 only where it decodes into a typed string; invalid bytes under
            // value, channelData or unknown fields would be accepted and later re-encoded as U+FFFD.
            activity = Utf8.IsValid(body) ? JsonSerializer.Deserialize<Activity>(body, ProtocolJson.Options) : null;
        }
        catch (JsonException)
        {
            activity = null;
        }

        if (activity is null || string.IsNullOrWhiteSpace(activity.Type))
        {
            await WriteProblemAsync(httpResponse, StatusCodes.Status400BadRequest, "Bad request", "The body must be a JSON activity with a 'type'.", cancellationToken).ConfigureAwait(false);
            return;
        }

        if (Defect(activity) is { } defect)
        {
            await WriteProblemAsync(httpResponse, StatusCodes.Status400BadRequest, "Bad request", defect, cancellationToken).ConfigureAwait(false);
            return;
        }

        ClaimsIdentity identity;
        try
        {
            identity = await _authentication.AuthenticateRequestAsync(activity, httpRequest.Headers.Authorization.ToString(), cancellationToken).ConfigureAwait(false);
        }
        catch (UnauthorizedAccessException ex)
        {
            _logger.LogWarning("Rejected activity for conversation {ConversationId}: {Reason}", activity.Conversation?.Id, ex.Message);
            httpResponse.Headers.WWWAuthenticate = "Bearer";
            await WriteProblemAsync(httpResponse, StatusCodes.Status401Unauthorized, "Unauthorized", "The request is not authorized.", cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            // Typically the OpenID metadata or signing keys could not be fetched: our problem, not the caller's.
            _logger.LogError(ex, "Could not validate the token of an activity for conversation {ConversationId}", activity.Conversation?.Id);
            await WriteProblemAsync(httpResponse, StatusCodes.Status503ServiceUnavailable, "Service unavailable", "The request could not be authenticated right now.", cancellationToken).ConfigureAwait(false);
            return;
        }

        if (identity.IsAuthenticated)
        {
            _trustedServiceUrls.Trust(activity.ServiceUrl);
        }

        TurnContext context;
        try
        {
            context = await RunTurnAsync(body, activity, identity, bot, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            // No OnTurnError, or it failed itself: answer without leaking details.
            _logger.LogError(ex, "Unhandled error in turn for conversation {ConversationId}", activity.Conversation?.Id);
            await WriteProblemAsync(httpResponse, StatusCodes.Status500InternalServerError, "Internal error", "The bot could not process the activity.", cancellationToken).ConfigureAwait(false);
            return;
        }

        await WriteTurnResultAsync(context, httpResponse, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Creates a conversation (for example a new Teams channel post) and runs <paramref name="callback"/>
    /// in it, starting with an event activity named <see cref="ActivityEventNames.CreateConversation"/>.
    /// </summary>
    public async Task CreateConversationAsync(string channelId, string serviceUrl, ConversationParameters parameters, BotCallbackHandler callback, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(callback);
        var response = await _connector.CreateConversationAsync(serviceUrl, parameters, cancellationToken).ConfigureAwait(false);
        var activity = Activity.CreateEventActivity();
        activity.Name = ActivityEventNames.CreateConversation;
        activity.Id = response.ActivityId;
        activity.ChannelId = channelId;
        activity.ServiceUrl = response.ServiceUrl ?? serviceUrl;
        activity.Conversation = new ConversationAccount(response.Id, parameters.IsGroup) { TenantId = parameters.TenantId };
        activity.ChannelData = parameters.ChannelData;
        activity.Recipient = parameters.Bot;
        await RunPipelineAsync(new TurnContext(this, activity), callback, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override async Task<ResourceResponse[]> SendActivitiesAsync(ITurnContext turnContext, Activity[] activities, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(turnContext);
        ArgumentNullException.ThrowIfNull(activities);
        var responses = new ResourceResponse[activities.Length];
        for (var i = 0; i < activities.Length; i++)
        {
            var activity = activities[i];
            if (activity.Type == ActivityTypes.InvokeResponse)
            {
                turnContext.TurnState[InvokeResponseKey] = activity;
                responses[i] = new ResourceResponse();
            }
            else if (IsExpectReplies(turnContext))
            {
                Buffer(turnContext).Add(activity);
                responses[i] = new ResourceResponse();
            }
            else if (activity.Type != ActivityTypes.Typing && turnContext.TurnState.Get<List<Activity>>(HeldRepliesKey) is { } held)
            {
                held.Add(activity);
                responses[i] = new ResourceResponse();
            }
            else
            {
                responses[i] = await SendThroughConnectorAsync(activity, cancellationToken).ConfigureAwait(false);
            }
        }

        return responses;
    }

    /// <summary>
    /// Runs the bot on <paramref name="activity"/> through <see cref="BotAdapter.RunPipelineAsync"/> (so
    /// <see cref="BotAdapter.OnTurnError"/> speaks for what fails), again on an ETag conflict (see the class
    /// remarks). Returns the context of the last attempt.
    /// </summary>
    private async Task<TurnContext> RunTurnAsync(byte[] body, Activity activity, ClaimsIdentity identity, IBot bot, CancellationToken cancellationToken)
    {
        var attempts = Math.Max(1, _options.MaxTurnAttempts);
        for (var attempt = 1; ; attempt++)
        {
            // The bot may change the activity (removing the mention from its text): a retry starts from the bytes received.
            var context = new TurnContext(this, attempt == 1 ? activity : JsonSerializer.Deserialize<Activity>(body, ProtocolJson.Options)!);
            context.TurnState.Set(BotIdentityKey, identity);
            context.TurnState[TurnAttemptKey] = attempt;
            var held = attempts > 1 && !IsExpectReplies(context) ? new List<Activity>() : null;
            if (held is not null)
            {
                context.TurnState.Set(HeldRepliesKey, held);
            }

            var conflict = false;
            await RunPipelineAsync(context, async (turn, ct) =>
            {
                try
                {
                    await bot.OnTurnAsync(turn, ct).ConfigureAwait(false);
                }
                catch (StorageConcurrencyException ex) when (attempt < attempts && !ct.IsCancellationRequested)
                {
                    _logger.LogInformation("Turn in conversation {ConversationId} met a concurrent write of {Key} (attempt {Attempt} of {Attempts}); running it again on the current state",
                        activity.Conversation?.Id, ex.Key, attempt, attempts);
                    conflict = true;
                    return;
                }
                catch when (attempts > 1)
                {
                    // What the failed attempt said describes state that was not saved.
                    turn.TurnState.Remove(HeldRepliesKey);
                    turn.TurnState.Remove(InvokeResponseKey);
                    context.BufferedReplyActivities.Clear();
                    throw;
                }

                if (held is not null)
                {
                    turn.TurnState.Remove(HeldRepliesKey);
                    foreach (var reply in held)
                    {
                        await SendThroughConnectorAsync(reply, ct).ConfigureAwait(false);
                    }
                }
            }, cancellationToken).ConfigureAwait(false);

            if (!conflict)
            {
                return context;
            }
        }
    }

    private Task<ResourceResponse> SendThroughConnectorAsync(Activity activity, CancellationToken cancellationToken)
    {
        var conversationId = activity.Conversation?.Id ?? throw new InvalidOperationException("The activity has no conversation id.");
        return string.IsNullOrEmpty(activity.ReplyToId)
            ? _connector.SendToConversationAsync(activity.ServiceUrl!, conversationId, activity, cancellationToken)
            : _connector.ReplyToActivityAsync(activity.ServiceUrl!, conversationId, activity.ReplyToId, activity, cancellationToken);
    }

    /// <summary>
    /// What makes an activity unusable although it is well-formed JSON, or null: it names no conversation; a
    /// message or invoke names no channel or sender; a message to be answered through the connector has no
    /// <c>serviceUrl</c>; the <c>serviceUrl</c> is not an absolute http(s) URL; an id holds control characters
    /// (they end up in storage keys, and PostgreSQL text cannot hold NUL).
    /// </summary>
    private static string? Defect(Activity activity)
    {
        (string Name, string? Value)[] ids =
        [
            ("id", activity.Id),
            ("channelId", activity.ChannelId),
            ("conversation.id", activity.Conversation?.Id),
            ("from.id", activity.From?.Id),
            ("recipient.id", activity.Recipient?.Id),
            ("replyToId", activity.ReplyToId),
        ];
        foreach (var (name, value) in ids)
        {
            // char.IsControl's ranges, searched without a delegate per character.
            if (value is not null && (value.AsSpan().ContainsAnyInRange('\u0000', '\u001F') || value.AsSpan().ContainsAnyInRange('\u007F', '\u009F')))
            {
                return $"'{name}' must not contain control characters.";
            }
        }

        if (string.IsNullOrWhiteSpace(activity.Conversation?.Id))
        {
            return "The activity needs 'conversation.id'.";
        }

        var fromSomeone = activity.Type is ActivityTypes.Message or ActivityTypes.Invoke;
        if (fromSomeone && string.IsNullOrWhiteSpace(activity.ChannelId))
        {
            return "The activity needs 'channelId'.";
        }

        if (fromSomeone && string.IsNullOrWhiteSpace(activity.From?.Id))
        {
            return "The activity needs 'from.id'.";
        }

        if (activity.ServiceUrl is { } serviceUrl
            && !(Uri.TryCreate(serviceUrl, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)))
        {
            return "'serviceUrl' must be an absolute http(s) URL.";
        }

        if (activity.Type == ActivityTypes.Message && string.IsNullOrWhiteSpace(activity.ServiceUrl)
            && !string.Equals(activity.DeliveryMode, DeliveryModes.ExpectReplies, StringComparison.OrdinalIgnoreCase))
        {
            return "A message answered through the connector needs 'serviceUrl'.";
        }

        return null;
    }

    /// <summary>Replaces an activity; for <c>expectReplies</c> turns the update is returned with the replies instead.</summary>
    public override Task<ResourceResponse> UpdateActivityAsync(ITurnContext turnContext, Activity activity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(turnContext);
        ArgumentNullException.ThrowIfNull(activity);
        if (IsExpectReplies(turnContext))
        {
            Buffer(turnContext).Add(activity);
            return Task.FromResult(new ResourceResponse(activity.Id));
        }

        var conversationId = activity.Conversation?.Id ?? throw new InvalidOperationException("The activity has no conversation id.");
        return _connector.UpdateActivityAsync(activity.ServiceUrl!, conversationId, activity.Id!, activity, cancellationToken);
    }

    /// <summary>Deletes an activity; ignored for <c>expectReplies</c> turns (there is no connector to ask).</summary>
    public override Task DeleteActivityAsync(ITurnContext turnContext, ConversationReference reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(turnContext);
        ArgumentNullException.ThrowIfNull(reference);
        if (IsExpectReplies(turnContext))
        {
            return Task.CompletedTask;
        }

        var conversationId = reference.Conversation?.Id ?? throw new InvalidOperationException("The reference has no conversation id.");
        return _connector.DeleteActivityAsync(reference.ServiceUrl!, conversationId, reference.ActivityId!, cancellationToken);
    }

    private static bool IsExpectReplies(ITurnContext turnContext) =>
        string.Equals(turnContext.Activity.DeliveryMode, DeliveryModes.ExpectReplies, StringComparison.OrdinalIgnoreCase);

    private static List<Activity> Buffer(ITurnContext turnContext) =>
        (turnContext as TurnContext ?? throw new InvalidOperationException("expectReplies needs a TurnContext.")).BufferedReplyActivities;

    private static async Task WriteTurnResultAsync(TurnContext context, HttpResponse httpResponse, CancellationToken cancellationToken)
    {
        if (IsExpectReplies(context))
        {
            // Serialized in one go (the replies are a few KB) into a rented buffer, then written with its length.
            using var json = new RentedBufferWriter();
            using (var writer = new Utf8JsonWriter(json, ProtocolJson.WriterOptions))
            {
                JsonSerializer.Serialize(writer, new ExpectedReplies(context.BufferedReplyActivities), ProtocolJson.Options);
            }

            httpResponse.StatusCode = StatusCodes.Status200OK;
            httpResponse.ContentType = "application/json; charset=utf-8";
            httpResponse.ContentLength = json.WrittenMemory.Length;
            await httpResponse.Body.WriteAsync(json.WrittenMemory, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (context.Activity.Type == ActivityTypes.Invoke)
        {
            var invokeResponse = context.TurnState.Get<Activity>(InvokeResponseKey)?.Value?.Deserialize<InvokeResponse>(ProtocolJson.Options);
            if (invokeResponse is null)
            {
                httpResponse.StatusCode = StatusCodes.Status501NotImplemented;
                return;
            }

            httpResponse.StatusCode = invokeResponse.Status;
            if (invokeResponse.Body is not null)
            {
                await httpResponse.WriteAsJsonAsync(invokeResponse.Body, invokeResponse.Body.GetType(), ProtocolJson.Options, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        httpResponse.StatusCode = StatusCodes.Status200OK;
    }

    private async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var limit = _options.MaxRequestBodyBytes;
        if (request.ContentLength > limit)
        {
            return null;
        }

        using var buffer = new MemoryStream(request.ContentLength is { } length and > 0 ? (int)length : 4096);
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return buffer.Length == buffer.Capacity ? buffer.GetBuffer() : buffer.ToArray();
    }

    private static Task WriteProblemAsync(HttpResponse response, int status, string title, string detail, CancellationToken cancellationToken)
    {
        response.StatusCode = status;
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        return response.WriteAsJsonAsync(problem, ProtocolJson.Options, "application/problem+json", cancellationToken);
    }
}
