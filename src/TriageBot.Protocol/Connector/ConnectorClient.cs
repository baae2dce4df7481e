using System.Net.Http.Headers;
using System.Text.Json;
using TriageBot.Protocol.Schema;

namespace TriageBot.Protocol.Connector;

/// <summary>The Bot Framework connector REST API (v3) operations the bot uses.</summary>
public interface IConnectorClient
{
    /// <summary><c>POST v3/conversations/{conversationId}/activities/{activityId}</c>: reply to an activity.</summary>
    Task<ResourceResponse> ReplyToActivityAsync(string serviceUrl, string conversationId, string activityId, Activity activity, CancellationToken cancellationToken = default);

    /// <summary><c>POST v3/conversations/{conversationId}/activities</c>: post to a conversation.</summary>
    Task<ResourceResponse> SendToConversationAsync(string serviceUrl, string conversationId, Activity activity, CancellationToken cancellationToken = default);

    /// <summary><c>PUT v3/conversations/{conversationId}/activities/{activityId}</c>: replace an activity.</summary>
    Task<ResourceResponse> UpdateActivityAsync(string serviceUrl, string conversationId, string activityId, Activity activity, CancellationToken cancellationToken = default);

    /// <summary><c>DELETE v3/conversations/{conversationId}/activities/{activityId}</c>.</summary>
    Task DeleteActivityAsync(string serviceUrl, string conversationId, string activityId, CancellationToken cancellationToken = default);

    /// <summary><c>POST v3/conversations</c>: start a conversation (proactive).</summary>
    Task<ConversationResourceResponse> CreateConversationAsync(string serviceUrl, ConversationParameters parameters, CancellationToken cancellationToken = default);

    /// <summary>
    /// <c>GET v3/conversations/{conversationId}/members/{memberId}</c>: one member of a conversation (in Teams,
    /// pass the team id to ask about the team). Null when the connector answers 404: not a member.
    /// </summary>
    Task<ChannelAccount?> GetConversationMemberAsync(string serviceUrl, string conversationId, string memberId, CancellationToken cancellationToken = default);
}

/// <summary>
/// <see cref="IConnectorClient"/> over an <see cref="HttpClient"/> (register as a typed client with
/// <see cref="RetryHandler"/>). Ids are escaped with <see cref="Uri.EscapeDataString(string)"/>, as the SDK's
/// generated client does, because Teams ids contain ':', ';' and '@'. Refuses untrusted serviceUrls.
/// Failures throw <see cref="HttpRequestException"/> carrying the status code.
/// </summary>
public sealed class ConnectorClient(HttpClient httpClient, IAccessTokenProvider tokenProvider, TrustedServiceUrls trustedServiceUrls) : IConnectorClient
{
    /// <inheritdoc />
    public Task<ResourceResponse> ReplyToActivityAsync(string serviceUrl, string conversationId, string activityId, Activity activity, CancellationToken cancellationToken = default) =>
        SendAsync<ResourceResponse>(HttpMethod.Post, serviceUrl, $"v3/conversations/{Escape(conversationId)}/activities/{Escape(activityId)}", ForSend(activity), cancellationToken);

    /// <inheritdoc />
    public Task<ResourceResponse> SendToConversationAsync(string serviceUrl, string conversationId, Activity activity, CancellationToken cancellationToken = default) =>
        SendAsync<ResourceResponse>(HttpMethod.Post, serviceUrl, $"v3/conversations/{Escape(conversationId)}/activities", ForSend(activity), cancellationToken);

    /// <inheritdoc />
    public Task<ResourceResponse> UpdateActivityAsync(string serviceUrl, string conversationId, string activityId, Activity activity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(activity);
        var body = activity.ShallowClone();
        body.Id = activityId;
        body.ServiceUrl = null;
        body.Timestamp = null;
        return SendAsync<ResourceResponse>(HttpMethod.Put, serviceUrl, $"v3/conversations/{Escape(conversationId)}/activities/{Escape(activityId)}", body, cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteActivityAsync(string serviceUrl, string conversationId, string activityId, CancellationToken cancellationToken = default) =>
        SendAsync<ResourceResponse>(HttpMethod.Delete, serviceUrl, $"v3/conversations/{Escape(conversationId)}/activities/{Escape(activityId)}", null, cancellationToken);

    /// <inheritdoc />
    public Task<ConversationResourceResponse> CreateConversationAsync(string serviceUrl, ConversationParameters parameters, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return SendAsync<ConversationResourceResponse>(HttpMethod.Post, serviceUrl, "v3/conversations", parameters, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<ChannelAccount?> GetConversationMemberAsync(string serviceUrl, string conversationId, string memberId, CancellationToken cancellationToken = default)
    {
        try
        {
            var member = await SendAsync<ChannelAccount>(HttpMethod.Get, serviceUrl, $"v3/conversations/{Escape(conversationId)}/members/{Escape(memberId)}", null, cancellationToken).ConfigureAwait(false);
            return member.Id is null ? null : member;
        }
        catch (HttpRequestException ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Joins a serviceUrl and a relative path with exactly one '/'.</summary>
    internal static Uri Combine(string serviceUrl, string path) => new(serviceUrl.TrimEnd('/') + "/" + path.TrimStart('/'));

    private static string Escape(string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return Uri.EscapeDataString(id);
    }

    // The connector assigns id and timestamp; serviceUrl is routing, not content.
    private static Activity ForSend(Activity activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        var body = activity.ShallowClone();
        body.Id = null;
        body.Timestamp = null;
        body.ServiceUrl = null;
        return body;
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string serviceUrl, string path, object? body, CancellationToken cancellationToken)
        where T : new()
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceUrl);
        trustedServiceUrls.EnsureTrusted(serviceUrl);
        using var request = new HttpRequestMessage(method, Combine(serviceUrl, path));
        if (body is not null)
        {
            // Buffered content so RetryHandler can send the same request again.
            request.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), ProtocolJson.Options));
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        }

        var token = await tokenProvider.GetAccessTokenAsync(cancellationToken).ConfigureAwait(false);
        if (!string.IsNullOrEmpty(token))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await httpClient.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException(
                $"Connector {method} {request.RequestUri!.AbsolutePath} failed with {(int)response.StatusCode} {response.ReasonPhrase}.",
                null,
                response.StatusCode);
        }

        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (bytes.Length == 0)
        {
            return new T();
        }

        try
        {
            return JsonSerializer.Deserialize<T>(bytes, ProtocolJson.Options) ?? new T();
        }
        catch (JsonException)
        {
            return new T();
        }
    }
}
