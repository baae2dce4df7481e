using TriageBot.Cards;
using TriageBot.Escalation;
using TriageBot.Protocol.Builder;
using TriageBot.Protocol.Schema;
using static TriageBot.Tests.Dialogs.TriageBotFactory;

namespace TriageBot.Tests.Dialogs;

/// <summary>Conversations with the triage bot, written as transcripts.</summary>
public sealed class TriageDialogTests
{
    private static Action<Activity> Says(params string[] fragments) => a =>
    {
        var said = Said(a);
        foreach (var f in fragments)
        {
            Assert.Contains(f, said);
        }
    };

    /// <summary>Presses a button of the card the bot just sent (the submit is filled in when the card arrives).</summary>
    private static (Action<Activity> Capture, Activity Submit) Press(string title, params string[] cardSays)
    {
        var submit = Activity.CreateMessageActivity();
        return (a =>
        {
            Says(cardSays)(a);
            submit.Value = Button(a, title);
        }, submit);
    }

    [Fact]
    public async Task ServerUnavailable_TypedAndButtonAnswers_WalkTheCausesToTheFallback()
    {
        var (flow, _, _) = Create();
        var domainYes = Press("Yes", "custom) domain");
        var notFixed = Press("Still not working", "Update DNS settings", "sipdir.online.lync.com", "[That fixed it]");

        await flow
            .Send("hi, since this morning Skype keeps saying: Server is temporarily unavailable")
            .AssertReply(Says("This is the documented error **Server is temporarily unavailable**", "Which Office 365 plan", "[Plan E (Enterprise)]"))
            .Send("we're on E")
            .AssertReply(domainYes.Capture).Send(domainYes.Submit)
            .AssertReply(Says("AD FS"))
            .Send("no")
            .AssertReply(notFixed.Capture).Send(notFixed.Submit)
            .AssertReply(Says("Let's try the next documented cause", "AutoDiscover"))
            .Send("still not working")
            .AssertReply(Says("last documented cause", "Collect more information", "MOSDAL", "[Talk to the helpdesk]"))
            .StartTestAsync();
    }

    /// <summary>
    /// A triage of "Server is temporarily unavailable" (plan E, custom domain, no AD FS) through both documented causes to the
    /// last card, the fallback procedure, which <paramref name="fallbackCard"/> receives.
    /// </summary>
    private static TestFlow ToTheFallbackCard(TestFlow flow, Action<Activity> fallbackCard) =>
        flow
            .Send("hi, since this morning Skype keeps saying: Server is temporarily unavailable")
            .AssertReply(Says("Which Office 365 plan"))
            .Send("we're on E")
            .AssertReply(Says("custom) domain"))
            .Send("yes")
            .AssertReply(Says("AD FS"))
            .Send("no")
            .AssertReply(Says("Update DNS settings"))
            .Send("still not working")
            .AssertReply(Says("Let's try the next documented cause"))
            .Send("still not working")
            .AssertReply(fallbackCard);

    // The last card of a triage (the fallback procedure) offers the helpdesk: its button opens the hand-over form.
    [Fact]
    public async Task FallbackCard_HelpdeskButton_OpensTheHandOverForm()
    {
        var (flow, _, _) = Create();
        var helpdesk = Press("Talk to the helpdesk", "last documented cause", "Collect more information");

        await ToTheFallbackCard(flow, helpdesk.Capture).Send(helpdesk.Submit)
            .AssertReply(Says("Hand this over to the helpdesk", "[Send to the helpdesk]"))
            .StartTestAsync();
    }

    // Once another triage has run, an older fallback card's helpdesk button is stale: it says so and starts nothing.
    [Fact]
    public async Task FallbackCardOfAnEarlierTriage_HelpdeskButton_IsStale()
    {
        var (flow, _, _) = Create();
        var helpdesk = Press("Talk to the helpdesk", "last documented cause");

        await ToTheFallbackCard(flow, helpdesk.Capture)
            .Send("There was a problem verifying the certificate from the server. Sign-in may be delayed while we retry the connection.")
            .AssertReply(Says("trusted root certification authority"))
            .Send("that fixed it")
            .AssertReply(Says("glad that fixed it"))
            .Send(helpdesk.Submit)
            .AssertReply(Says("belongs to a card I can no longer use"))
            .StartTestAsync();
    }

    [Fact]
    public async Task ServerUnavailable_PasteMentionsAdfs_DoesNotAskAboutAdfs()
    {
        var (flow, _, _) = Create();

        await flow
            .Send("We use ADFS single sign-on. Lync: Server is temporarily unavailable")
            .AssertReply(Says("Which Office 365 plan"))
            .Send("E")
            .AssertReply(Says("custom) domain"))
            .Send("no")
            .AssertReply(Says("Install a third-party SSL certificate on your ADFS server"))
            .StartTestAsync();
    }

    [Fact]
    public async Task PlanP_EnterpriseOnlyError_GoesToTheDocumentsRouteForPlanP()
    {
        var (flow, _, _) = Create();

        await flow
            .Send("User is not SIP enabled")
            .AssertReply(Says("Which Office 365 plan"))
            .Send("plan p")
            .AssertReply(Says("don't list a specific fix", "Collect more information"))
            .StartTestAsync();
    }

    [Fact]
    public async Task PersonalCertificate_CacheNotCleared_SkipsTheCredentialsProcedureThenFixed()
    {
        var (flow, _, _) = Create();
        var fixedIt = Press("That fixed it", "Clear cached credentials and certificates");

        await flow
            .Send("Problem acquiring a personal certificate that is required to sign in")
            .AssertReply(Says("Delete my sign-in info"))
            .Send("not yet")
            .AssertReply(fixedIt.Capture).Send(fixedIt.Submit)
            .AssertReply(Says("glad that fixed it"))
            .StartTestAsync();
    }

    [Fact]
    public async Task Ambiguous_Paste_AsksWhichOneAndContinuesWithTheChoice()
    {
        var (flow, _, _) = Create();
        var choose = Press("There was a problem verifying the certificate from the server. Sign-in may be delayed while we retry the connection.", "Which of these do you see?", "[None of these]");

        await flow
            .Send("certificate problem when signing in to lync")
            .AssertReply(choose.Capture).Send(choose.Submit)
            .AssertReply(Says("trusted root certification authority"))
            .StartTestAsync();
    }

    // Typed words the fix card does not take get a short line pointing at the card's buttons, not the card again,
    // and the triage waits on the same fix: a typed outcome still counts.
    [Fact]
    public async Task UnrecognisedTextAtTheFixCard_PointsAtItsButtonsWithoutResendingIt()
    {
        var (flow, _, _) = Create();

        await flow
            .Send("There was a problem verifying the certificate from the server. Sign-in may be delayed while we retry the connection.")
            .AssertReply(Says("trusted root certification authority"))
            .Send("banana")
            .AssertReply(a =>
            {
                Says("didn't get that", "**That fixed it**", "**Still not working**", "**Talk to the helpdesk**")(a);
                Assert.True(a.Attachments is null || a.Attachments.Count == 0, "the fix card was sent again");
            })
            .Send("that fixed it")
            .AssertReply(Says("glad that fixed it"))
            .StartTestAsync();
    }

    [Fact]
    public async Task UnrecognisedTextAtWhichOfThese_AsksToPickWithoutResendingTheCard()
    {
        var (flow, _, _) = Create();
        var choose = Press("There was a problem verifying the certificate from the server. Sign-in may be delayed while we retry the connection.", "Which of these do you see?");

        await flow
            .Send("certificate problem when signing in to lync")
            .AssertReply(choose.Capture)
            .Send("banana")
            .AssertReply(a =>
            {
                Says("didn't get that", "pick the error")(a);
                Assert.True(a.Attachments is null || a.Attachments.Count == 0, "the card was sent again");
            })
            .Send(choose.Submit)
            .AssertReply(Says("trusted root certification authority"))
            .StartTestAsync();
    }

    [Fact]
    public async Task NoMatch_ShowsCommonCausesThenOffersAHumanOnTheSecondMiss()
    {
        var (flow, _, _) = Create();

        await flow
            .Send("my printer on floor 3 is jammed")
            .AssertReply(Says("couldn't find that", "Forgotten password", "[Talk to the helpdesk]"))
            .Send("the coffee machine is broken")
            .AssertReply(Says("couldn't find that"))
            .AssertReply(Says("Hand this over to the helpdesk", "[Send to the helpdesk]"))
            .StartTestAsync();
    }

    [Fact]
    public async Task Interruptions_HelpRepromptsCancelStopsHumanHandsOver()
    {
        var (flow, _, _) = Create();

        await flow
            .Send("Server is temporarily unavailable")
            .AssertReply(Says("Which Office 365 plan"))
            .Send("help")
            .AssertReply(Says("Paste the error message"))
            .AssertReply(Says("Which Office 365 plan"))
            .Send("cancel")
            .AssertReply(Says("I've stopped"))
            .Send("Sign-in address not found")
            .AssertReply(Says("Which Office 365 plan"))
            .Send("talk to a human")
            .AssertReply(Says("Hand this over to the helpdesk"))
            .Send("cancel")
            .AssertReply(Says("I've stopped"))
            .StartTestAsync();
    }

    [Fact]
    public async Task Escalation_FormWithAWrongAddress_ComesBackWithEverythingFilledIn_ThenCreatesTheTicket()
    {
        var (flow, adapter, _) = Create();
        var wrong = adapter.MakeActivity();
        var corrected = adapter.MakeActivity();
        System.Text.Json.JsonElement Form(string flowId, string address) => System.Text.Json.JsonSerializer.SerializeToElement(new
        {
            triage = "form", flow = flowId, signInAddress = address, clientApp = "Lync 2010 client", clientVersion = "4.0.7577",
            operatingSystem = "Windows 7 SP1", started = "after the weekend", scope = "group", logsAvailable = "yes", anythingElse = "only on the VPN",
        });

        await flow
            .Send("talk to a human")
            .AssertReply(a => wrong.Value = Form(Button(a, "Send to the helpdesk").GetProperty("flow").GetString()!, "ada at contoso"))
            .Send(wrong)
            .AssertReply(Says("Please enter the address you sign in with"))
            .AssertReply(a =>
            {
                var form = System.Text.Json.JsonSerializer.Serialize(a.Attachments![0].Content);
                foreach (var typed in new[] { "\"ada at contoso\"", "Lync 2010 client", "4.0.7577", "Windows 7 SP1", "after the weekend", "only on the VPN" })
                {
                    Assert.Contains(typed, form);
                }
                Assert.Contains("\"value\":\"group\"", form);
                Assert.Contains("\"value\":\"yes\"", form);
                corrected.Value = Form(Button(a, "Send to the helpdesk").GetProperty("flow").GetString()!, "ada@contoso.com");
            })
            .Send(corrected)
            .AssertReply(Says("ticket **TB-1001**"))
            .Send("talk to a human")
            .AssertReply(a => Assert.DoesNotContain("only on the VPN", System.Text.Json.JsonSerializer.Serialize(a.Attachments![0].Content)))
            .StartTestAsync();
    }

    [Fact]
    public async Task Escalation_FormSubmitted_CreatesOneTicketWithWhatWasCollected()
    {
        var storage = new MemoryStorage();
        var (flow, adapter, _) = Create(storage: storage);
        var formSubmit = adapter.MakeActivity();
        var again = adapter.MakeActivity();
        var fixCard = Press("Talk to the helpdesk", "Update DNS settings");

        await flow
            .Send("Server is temporarily unavailable")
            .AssertReply(Says("Which Office 365 plan"))
            .Send("E")
            .AssertReply(Says("custom) domain"))
            .Send("yes")
            .AssertReply(Says("AD FS"))
            .Send("no")
            .AssertReply(fixCard.Capture).Send(fixCard.Submit)
            .AssertReply(a =>
            {
                Says("Hand this over to the helpdesk", "[Send to the helpdesk]")(a);
                var data = Button(a, "Send to the helpdesk");
                var value = System.Text.Json.JsonSerializer.SerializeToElement(new
                {
                    triage = "form", flow = data.GetProperty("flow").GetString(),
                    signInAddress = "ada@contoso.com", clientApp = "Skype for Business 2016", operatingSystem = "Windows 10",
                    scope = "one", logsAvailable = "yes", anythingElse = "my password is hunter2, please hurry",
                });
                formSubmit.Value = value;
                again.Value = value;
            })
            .Send(formSubmit)
            .AssertReply(Says("ticket **TB-1001**"))
            .Send(again)
            .AssertReply(Says("no longer use"))
            .StartTestAsync();

        var store = new TicketStore(storage, new Outbox(storage, []), TimeProvider.System);
        Assert.Single(await store.ListOpenAsync());
        var ticket = await store.GetAsync("TB-1001");
        Assert.NotNull(ticket);
        Assert.Equal("server-is-temporarily-unavailable", ticket.Request.SymptomId);
        Assert.Equal(3, ticket.Request.Answers.Count);
        Assert.Contains(ticket.Request.Fixes, f => f.Outcome == CardActions.Helpdesk && f.Cause.Contains("Update DNS settings"));
        Assert.Equal("ada@contoso.com", ticket.Request.Form.SignInAddress);
        Assert.True(ticket.Request.Form.LogsAvailable);
        Assert.DoesNotContain("hunter2", ticket.Request.Form.AnythingElse);
        Assert.Equal("Server is temporarily unavailable", ticket.Request.Pasted);
    }

    [Fact]
    public async Task Escalation_BadAddressThenTypedFallback_AsksAgainThenCreatesTheTicket()
    {
        var (flow, _, _) = Create();

        await flow
            .Send("talk to a human")
            .AssertReply(Says("Hand this over to the helpdesk"))
            .Send("I don't know my address")
            .AssertReply(Says("Please enter the address you sign in with"))
            .AssertReply(Says("Hand this over to the helpdesk"))
            .Send("it's bob@contoso.com and Lync 2013 on Windows 7")
            .AssertReply(Says("ticket **TB-1001**"))
            .StartTestAsync();
    }

    [Fact]
    public async Task NewErrorPastedMidConversation_StartsTriageOnIt()
    {
        var (flow, _, _) = Create();

        await flow
            .Send("Server is temporarily unavailable")
            .AssertReply(Says("Which Office 365 plan"))
            .Send("actually now it says: To sign in, additional software is required. Download and install now?")
            .AssertReply(Says("Sign-In Assistant"))
            .StartTestAsync();
    }

    [Fact]
    public async Task SameErrorPastedAgain_StartsOver()
    {
        var (flow, _, _) = Create();

        await flow
            .Send("Server is temporarily unavailable")
            .AssertReply(Says("Which Office 365 plan"))
            .Send("E")
            .AssertReply(Says("custom) domain"))
            .Send("Server is temporarily unavailable")
            .AssertReply(Says("Which Office 365 plan"))
            .StartTestAsync();
    }

    [Fact]
    public async Task UnrecognisedAnswer_IsAskedAgain()
    {
        var (flow, _, _) = Create();

        await flow
            .Send("Server is temporarily unavailable")
            .AssertReply(Says("Which Office 365 plan"))
            .Send("banana")
            .AssertReply(Says("didn't get that", "Which Office 365 plan"))
            .StartTestAsync();
    }

    [Fact]
    public async Task StaleOrForgedButton_SaysSoAndKeepsTheCurrentQuestion()
    {
        var (flow, adapter, _) = Create();
        var forged = adapter.MakeActivity();
        forged.Value = System.Text.Json.JsonSerializer.SerializeToElement(new { triage = "answer", flow = "not-this-one", question = "plan", answer = "yes" });
        var noTriage = adapter.MakeActivity();
        noTriage.Value = System.Text.Json.JsonSerializer.SerializeToElement(new { something = "else" });

        await flow
            .Send(noTriage)
            .AssertReply(Says("no longer use"))
            .Send("Server is temporarily unavailable")
            .AssertReply(Says("Which Office 365 plan"))
            .Send(forged)
            .AssertReply(Says("no longer use"))
            .AssertReply(Says("Which Office 365 plan"))
            .StartTestAsync();
    }

    [Fact]
    public async Task SimplifiedChinese_PasteGetsChineseQuestionsAndTheChineseDocument()
    {
        var (flow, _, _) = Create("en-US");

        await flow
            .Send("找不到的登录地址")
            .AssertReply(Says("哪种 Office 365 计划", "E 计划（企业版）"))
            .Send("企业版")
            .AssertReply(Says("将 msoidsvc.exe 防火墙项添加到您的代理服务器", "[问题已解决]"))
            .StartTestAsync();
    }

    [Fact]
    public async Task TraditionalChinese_AnswerByButton_GetsTheTraditionalChineseFix()
    {
        var (flow, _, _) = Create("zh-TW");
        var planE = Press("E 方案（企業版）", "貴組織使用的是哪一種 Office 365 方案");

        await flow
            .Send("伺服器暫時無法使用")
            .AssertReply(planE.Capture).Send(planE.Submit)
            .AssertReply(Says("自訂"))
            .Send("是")
            .AssertReply(Says("AD FS"))
            .Send("不是")
            .AssertReply(Says("更新 DNS 設定", "sipdir.online.lync.com", "[問題已解決]"))
            .StartTestAsync();
    }

    [Fact]
    public async Task GermanClient_EnglishPaste_AnswersInGerman()
    {
        var (flow, _, _) = Create("de-DE");

        await flow
            .Send("Server is temporarily unavailable")
            .AssertReply(Says("Welchen Office 365-Plan"))
            .Send("E")
            .AssertReply(Says("eigenen (benutzerdefinierten) Domäne"))
            .StartTestAsync();
    }

    [Fact]
    public async Task ChineseHelp_OutsideATriage_IsAnsweredInChinese()
    {
        var (flow, _, _) = Create("en-US");

        await flow
            .Send("帮助")
            .AssertReply(Says("请粘贴登录 Skype for Business 时看到的错误消息"))
            .StartTestAsync();
    }

    [Fact]
    public async Task Markdown_InThePaste_IsNeverEchoed()
    {
        var (flow, _, _) = Create();

        await flow
            .Send("**bold** [link](http://evil.example) <script>alert(1)</script>")
            .AssertReply(a => Assert.DoesNotContain("evil.example", Said(a)))
            .StartTestAsync();
    }

    public static TheoryData<string> SymptomIds() => [.. Catalog.Symptoms.Select(s => s.Id)];

    [Theory]
    [MemberData(nameof(SymptomIds))]
    public async Task EverySymptom_PasteItsMessageAndPressTheFirstAnswers_EndsOnAFixCardForIt(string symptomId)
    {
        var symptom = Catalog[symptomId];
        var (_, adapter, bot) = Create();
        var paste = adapter.MakeActivity(symptom.Causes[0].Message.English.Plain);

        await adapter.ProcessActivityAsync(paste, bot.OnTurnAsync);
        for (var turn = 0; turn < 6; turn++)
        {
            var last = adapter.Sent[^1];
            var said = Said(last);
            if (said.Contains("[That fixed it]", StringComparison.Ordinal) || said.Contains("Collect more information", StringComparison.Ordinal))
            {
                Assert.Contains(symptom.Causes, c => said.Contains(c.Text.English.Markdown, StringComparison.Ordinal) || said.Contains(c.Message.English.Plain.TrimEnd('.'), StringComparison.Ordinal));
                return;
            }
            // Answer what is asked with its first button (for "which of these", the first candidate).
            var card = (System.Text.Json.JsonElement)last.Attachments!.Single().Content!;
            var press = adapter.MakeActivity();
            press.Value = card.GetProperty("actions")[0].GetProperty("data").Clone();
            await adapter.ProcessActivityAsync(press, bot.OnTurnAsync);
        }
        Assert.Fail($"no fix card for {symptomId}: {Said(adapter.Sent[^1])}");
    }
}
