using System.Diagnostics;

namespace TriageBot.EndToEnd.Harness;

/// <summary>
/// Runs a built ASP.NET Core bot as a child process (<c>dotnet &lt;dll&gt; --urls http://127.0.0.1:&lt;free port&gt;</c>),
/// waits until GET /healthz answers 200 and kills the process tree on dispose.
/// </summary>
public sealed class BotProcess : IAsyncDisposable
{
    private const int StartAttempts = 3;
    private readonly ChildProcess _process;

    private BotProcess(ChildProcess process, int port)
    {
        _process = process;
        Port = port;
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
    }

    public int Port { get; }

    public Uri BaseAddress { get; }

    /// <summary>The bot's POST /api/messages, to hand to <see cref="PlaygroundHarness.StartAsync"/>.</summary>
    public string MessagesEndpoint => new Uri(BaseAddress, "api/messages").ToString();

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the bot wrote to stdout and stderr.</summary>
    public string OutputTail => _process.OutputTail;

    /// <summary>Starts <paramref name="assemblyPath"/>. <paramref name="environment"/> entries override the inherited
    /// environment (null removes a variable); the working directory is the assembly's folder.</summary>
    public static async Task<BotProcess> StartAsync(
        string assemblyPath,
        IReadOnlyDictionary<string, string?>? environment = null,
        TimeSpan? timeout = null,
        Action<string>? log = null,
        CancellationToken cancellationToken = default)
    {
        var fullPath = Path.GetFullPath(assemblyPath);
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException("Bot assembly not found; build it first.", fullPath);
        }

        var limit = timeout ?? TimeSpan.FromSeconds(60);
        var clock = Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort.Next();
            var env = new Dictionary<string, string?>
            {
                ["ASPNETCORE_URLS"] = null,
                ["ASPNETCORE_HTTP_PORTS"] = null,
                ["ASPNETCORE_HTTPS_PORTS"] = null,
                ["DOTNET_NOLOGO"] = "1",
            };
            foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
            {
                env[key] = value;
            }

            log?.Invoke($"[harness] starting {Path.GetFileName(fullPath)} on 127.0.0.1:{port}");
            var process = ChildProcess.Start(
                DotnetHost(),
                [fullPath, "--urls", $"http://127.0.0.1:{port}"],
                Path.GetDirectoryName(fullPath)!,
                env,
                "bot",
                log);
            var bot = new BotProcess(process, port);
            try
            {
                await bot.WaitForHealthAsync(limit - clock.Elapsed, cancellationToken);
                return bot;
            }
            catch (InvalidOperationException) when (attempt < StartAttempts && bot.OutputTail.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                await bot.DisposeAsync();
            }
            catch
            {
                await bot.DisposeAsync();
                throw;
            }
        }
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    /// <summary>
    /// Kills the process tree at once and waits until it is gone: SIGKILL on Linux, as <c>kill -9</c> (no shutdown,
    /// no hosted service stopped, no lease released). The same as <see cref="DisposeAsync"/>, named for what it does.
    /// </summary>
    public ValueTask KillAsync() => _process.DisposeAsync();

    private async Task WaitForHealthAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        using var startup = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        startup.CancelAfter(timeout > TimeSpan.Zero ? timeout : TimeSpan.Zero);
        try
        {
            while (true)
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"The bot exited during start-up.{Environment.NewLine}{_process.OutputTail}");
                }

                try
                {
                    using var response = await http.GetAsync("healthz", startup.Token);
                    if (response.IsSuccessStatusCode)
                    {
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                }
                catch (TaskCanceledException) when (!startup.IsCancellationRequested)
                {
                    // HttpClient's own 5 s timeout; try again.
                }

                await Task.Delay(TimeSpan.FromMilliseconds(100), startup.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The bot did not answer /healthz within {timeout}.{Environment.NewLine}{_process.OutputTail}");
        }
    }

    /// <summary>The dotnet muxer running these tests (DOTNET_HOST_PATH is set by the SDK), else dotnet on PATH.</summary>
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
