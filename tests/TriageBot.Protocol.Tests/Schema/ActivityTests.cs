using System.Text.Json;
using System.Text.Json.Nodes;
using TriageBot.Protocol.Schema;

namespace TriageBot.Protocol.Tests.Schema;

public class ActivityTests
{
    private const string TeamsMessage = """
        {
          "type": "message",
          "id": "1700000000000",
          "timestamp": "2026-01-05T10:00:00.123Z",
          "localTimestamp": "2026-01-05T11:00:00.123+01:00",
          "serviceUrl": "https://smba.trafficmanager.net/emea/",
          "channelId": "msteams",
          "from": { "id": "29:user", "name": "Ada", "aadObjectId": "aad-1", "userPrincipalName": "ada@contoso.com" },
          "recipient": { "id": "28:bot", "name": "TriageBot" },
          "conversation": { "id": "19:chan@thread.tacv2;messageid=1699", "isGroup": true, "conversationType": "channel", "tenantId": "t1" },
          "text": "<at>TriageBot</at> error 0x80070005 please",
          "textFormat": "plain",
          "locale": "en-US",
          "entities": [
            { "type": "mention", "mentioned": { "id": "28:bot", "name": "TriageBot" }, "text": "<at>TriageBot</at>" },
            { "type": "clientInfo", "locale": "en-US", "platform": "Web" }
          ],
          "channelData": { "tenant": { "id": "t1" }, "team": { "id": "19:team@thread.skype", "name": "IT", "aadGroupId": "g1" }, "channel": { "id": "19:chan@thread.tacv2", "name": "Help" }, "source": { "name": "message" } },
          "someFutureField": { "nested": [1, 2, 3] }
        }
        """;

    [Fact]
    public void Deserialize_RoundTrip_KeepsUnknownAndKnownFields()
    {
        var activity = JsonSerializer.Deserialize<Activity>(TeamsMessage, ProtocolJson.Options)!;

        var roundTripped = JsonNode.Parse(JsonSerializer.Serialize(activity, ProtocolJson.Options))!.AsObject();
        var original = JsonNode.Parse(TeamsMessage)!.AsObject();

        // The timestamp is the same instant; only its offset notation may differ ("Z" vs "+00:00").
        Assert.Equal(original["timestamp"]!.GetValue<DateTimeOffset>(), roundTripped["timestamp"]!.GetValue<DateTimeOffset>());
        original.Remove("timestamp");
        roundTripped.Remove("timestamp");
        Assert.True(JsonNode.DeepEquals(original, roundTripped), roundTripped.ToJsonString());
        Assert.Equal("ada@contoso.com", activity.From!.Properties!["userPrincipalName"].GetString());
    }

    [Fact]
    public void Serialize_NullFields_AreOmitted()
    {
        var json = JsonSerializer.Serialize(new Activity { Type = ActivityTypes.Message, Text = "hi" }, ProtocolJson.Options);

        Assert.Equal("""{"type":"message","text":"hi"}""", json);
    }

    [Fact]
    public void RemoveRecipientMention_BotMentioned_RemovesOnlyBotMention()
    {
        var activity = JsonSerializer.Deserialize<Activity>(TeamsMessage, ProtocolJson.Options)!;
        activity.Text = "<at>TriageBot</at> ask <at>Grace</at> about 0x80070005";
        activity.Entities!.Add(new Mention(new ChannelAccount("29:grace", "Grace")));

        var text = activity.RemoveRecipientMention();

        Assert.Equal("ask <at>Grace</at> about 0x80070005", text);
        Assert.Equal(text, activity.Text);
    }

    [Theory]
    [InlineData("""{"type":"mention","text":"<at>TriageBot</at>","mentioned":"28:bot"}""")]
    [InlineData("""{"type":"mention","text":{"x":1},"mentioned":{"id":"28:bot"}}""")]
    [InlineData("""{"type":"mention","mentioned":{"id":5}}""")]
    public void RemoveRecipientMention_MentionWithWrongJsonTypes_IsLeftOutAndTheTextStays(string mention)
    {
        var activity = JsonSerializer.Deserialize<Activity>(
            $$"""{"type":"message","text":"<at>TriageBot</at> hi","recipient":{"id":"28:bot"},"entities":[null,{{mention}}]}""", ProtocolJson.Options)!;

        Assert.Empty(activity.GetMentions());
        Assert.Equal("<at>TriageBot</at> hi", activity.RemoveRecipientMention());
    }

    [Theory]
    [InlineData("""{"team":"helpdesk"}""")]
    [InlineData("""{"team":{"id":5}}""")]
    [InlineData("""{"tenant":[]}""")]
    public void GetChannelData_FieldsOfOtherJsonTypes_GivesAnEmptyObject(string channelData)
    {
        var activity = JsonSerializer.Deserialize<Activity>($$"""{"type":"message","channelData":{{channelData}}}""", ProtocolJson.Options)!;

        Assert.Null(activity.TeamsGetTeamInfo());
    }

    [Fact]
    public void RemoveRecipientMention_NoMentionEntity_LeavesTextUnchanged()
    {
        var activity = new Activity { Text = "<at>Someone</at> hi", Recipient = new ChannelAccount("28:bot"), Entities = [] };

        Assert.Equal("<at>Someone</at> hi", activity.RemoveRecipientMention());
    }

    [Fact]
    public void GetMentions_MentionCreatedInCode_SerializesMentionedAndText()
    {
        var activity = new Activity { Entities = [new Mention(new ChannelAccount("29:u", "Ada"))] };

        var json = JsonNode.Parse(JsonSerializer.Serialize(activity, ProtocolJson.Options))!;

        Assert.Equal("<at>Ada</at>", json["entities"]![0]!["text"]!.GetValue<string>());
        Assert.Equal("29:u", json["entities"]![0]!["mentioned"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public void CreateReply_InboundMessage_SwapsAccountsAndCopiesRouting()
    {
        var inbound = JsonSerializer.Deserialize<Activity>(TeamsMessage, ProtocolJson.Options)!;

        var reply = inbound.CreateReply("hello");

        Assert.Equal(ActivityTypes.Message, reply.Type);
        Assert.Equal("hello", reply.Text);
        Assert.Equal("28:bot", reply.From!.Id);
        Assert.Equal("29:user", reply.Recipient!.Id);
        Assert.Equal(inbound.Conversation!.Id, reply.Conversation!.Id);
        Assert.Equal("1700000000000", reply.ReplyToId);
        Assert.Equal(inbound.ServiceUrl, reply.ServiceUrl);
        Assert.Equal("msteams", reply.ChannelId);
        Assert.Equal("en-US", reply.Locale);
        Assert.Null(reply.Id);
        Assert.Null(reply.Timestamp);
    }

    [Fact]
    public void GetConversationReference_InboundMessage_CapturesRouting()
    {
        var inbound = JsonSerializer.Deserialize<Activity>(TeamsMessage, ProtocolJson.Options)!;

        var reference = inbound.GetConversationReference();

        Assert.Equal(("1700000000000", "29:user", "28:bot", "msteams"), (reference.ActivityId, reference.User!.Id, reference.Bot!.Id, reference.ChannelId));
        Assert.Equal(inbound.ServiceUrl, reference.ServiceUrl);
        Assert.Equal(inbound.Conversation!.Id, reference.Conversation!.Id);
    }

    [Fact]
    public void TeamsAccessors_ChannelData_ReturnTenantTeamAndChannel()
    {
        var activity = JsonSerializer.Deserialize<Activity>(TeamsMessage, ProtocolJson.Options)!;

        Assert.Equal("t1", activity.TeamsGetTenantId());
        Assert.Equal("19:team@thread.skype", activity.TeamsGetTeamInfo()!.Id);
        Assert.Equal("19:chan@thread.tacv2", activity.TeamsGetChannelId());
        Assert.Equal("message", activity.GetChannelData<TeamsChannelData>().Source!.Name);
    }

    [Fact]
    public void TeamsAccessors_NoChannelData_ReturnNull()
    {
        var activity = new Activity { Type = ActivityTypes.Message };

        Assert.Null(activity.TeamsGetTenantId());
        Assert.Null(activity.TeamsGetTeamInfo());
        Assert.Null(activity.TeamsGetChannelId());
    }
}
