using Microsoft.Playwright;

namespace TriageBot.EndToEnd.Harness;

/// <summary>
/// Debian's Chromium (<c>/usr/bin/chromium</c>, package <c>chromium</c>, installed by test.sh) driven headless by
/// Microsoft.Playwright. Playwright never downloads a browser here: it is told the executable, and
/// PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD is set. Pages may reach 127.0.0.1 only; everything else (the Playground UI asks a
/// CDN for fonts and animations) is aborted at once, so nothing waits on the network and the page looks the same on
/// every machine. Disposing closes the browser and stops Playwright's driver process.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";

    public static readonly IReadOnlyList<string> Arguments =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
    ];

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private HeadlessChromium(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        _browser = browser;
    }

    public string Version => _browser.Version;

    /// <summary>Starts Chromium; fails (never skips) when it is not installed.</summary>
    public static async Task<HeadlessChromium> LaunchAsync(TimeSpan timeout)
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"Chromium is not installed: {ExecutablePath} does not exist. The screenshot test needs Debian's chromium package; " +
                "./test.sh installs it when missing (as root: apt-get update && apt-get install -y chromium). Install it and run the tests again.");
        }

        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                Args = Arguments,
                Timeout = (float)timeout.TotalMilliseconds,
            });
            return new HeadlessChromium(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>A fresh browser context and page (1280x1000, scale 1) that may only load from 127.0.0.1;
    /// <paramref name="defaultTimeout"/> bounds every wait and action on it.</summary>
    public async Task<IPage> NewLoopbackPageAsync(TimeSpan defaultTimeout, Action<string>? log = null)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1280, Height = 1000 },
            DeviceScaleFactor = 1,
            Locale = "en-US",
            TimezoneId = "UTC",
        });
        context.SetDefaultTimeout((float)defaultTimeout.TotalMilliseconds);
        await context.RouteAsync(url => !IsLoopback(url), route => route.AbortAsync("blockedbyclient"));
        var page = await context.NewPageAsync();
        if (log is not null)
        {
            page.Console += (_, message) =>
            {
                // Requests this page may not make (the CDN) fail on purpose; their console errors are noise.
                if (message.Type is "error" or "warning" && !message.Text.Contains("ERR_BLOCKED_BY_CLIENT", StringComparison.Ordinal)
                    && !message.Text.Contains("cdn.office.net", StringComparison.Ordinal))
                {
                    Safe(log, $"[chromium console {message.Type}] {message.Text}");
                }
            };
            page.PageError += (_, error) => Safe(log, $"[chromium page error] {error}");
        }

        return page;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _browser.CloseAsync();
        }
        finally
        {
            _playwright.Dispose();
        }
    }

    private static bool IsLoopback(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme is "data" or "blob" || uri.Host == "127.0.0.1");

    private static void Safe(Action<string> log, string line)
    {
        try
        {
            log(line);
        }
        catch (InvalidOperationException)
        {
            // xunit's output helper throws once the test has finished.
        }
    }
}
