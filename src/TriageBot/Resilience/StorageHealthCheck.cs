using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using TriageBot.Protocol.Builder;

namespace TriageBot.Resilience;

/// <summary>
/// <c>/healthz</c>: healthy while the storage answers a read of one (absent) key, so a load balancer takes an
/// instance out while its database is unreachable and puts it back when it answers again.
/// </summary>
internal sealed class StorageHealthCheck(IStorage storage) : IHealthCheck
{
    public const string Name = "storage";

    /// <summary>The key read; nothing is ever stored under it.</summary>
    public const string ProbeKey = "healthz/probe";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await storage.ReadAsync([ProbeKey], cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (StorageUnavailableException ex)
        {
            return HealthCheckResult.Unhealthy("The storage cannot be reached.", ex);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("The storage could not be read.", ex);
        }
    }

    /// <summary>
    /// <c>{"status":"healthy"}</c>, or <c>{"status":"unhealthy","reason":"..."}</c> with 503; the details of the
    /// failure go to the log (the health check service logs unhealthy results), not to whoever asks.
    /// </summary>
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var healthy = report.Status == HealthStatus.Healthy;
        var reasons = report.Entries.Values.Where(e => e.Status != HealthStatus.Healthy)
            .Select(e => e.Description ?? (e.Exception is OperationCanceledException ? "The storage did not answer in time." : "The check failed.")).ToList();
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(healthy
            ? (object)new { status = "healthy" }
            : new { status = report.Status.ToString().ToLowerInvariant(), reason = string.Join(" ", reasons) }));
    }
}
