//! The support assistant's store (sites, conversations, messages, tickets, verdicts, FAQ
//! management), every case on SQLite and on a real PostgreSQL server.

mod common;

use common::TestStore;
use levier_core::ids::{ConversationId, FaqEntryId, UserId};
use levier_core::{EventKind, Role, Timestamp};
use levier_store::changes::{ChangeOp, Entity};
use levier_store::directory::NewUser;
use levier_store::events::{EventQuery, StoredEvent};
use levier_store::faq::{FaqEdit, FaqFilter, NewFaqEntry, PhrasingOrigin};
use levier_store::support::{
    AssigneeFilter, Author, BotReply, ConversationStatus, Handoff, InboxQuery, Message,
    MessageView, NewConversation, NewMessage, NewSite, PilotScope, Site, StartedConversation,
    TicketCounts, TicketPriority, TicketStatus, Verdict,
};
use levier_store::{Store, StoreError};

on_both_backends!(
    sites_have_unguessable_keys_and_normalised_origins,
    a_token_resolves_only_on_its_own_site,
    a_retried_message_is_not_duplicated,
    catch_up_hides_internal_notes_from_the_customer,
    first_response_is_the_first_public_agent_reply,
    tickets_reopen_and_take_one_rating_per_resolution,
    inbox_filters_and_sorts_by_sla,
    bot_answers_are_judged_once_per_agent,
    customers_say_whether_an_answer_helped,
    faq_management_records_changes,
    agents_mark_messages_outside_the_faq_once,
    unanswered_messages_are_the_last_customer_words_the_bot_still_holds,
);

async fn site(s: &Store, name: &str) -> Site {
    s.create_site(&NewSite {
        name: name.into(),
        allowed_origins: vec!["https://www.ergolis.fr/".into()],
        default_language: "fr".into(),
        pilot_scope: PilotScope::default(),
    })
    .await
    .expect("site")
}

async fn start(s: &Store, site: &Site) -> StartedConversation {
    s.start_conversation(&NewConversation {
        site_id: site.id,
        contact_id: None,
        language: None,
    })
    .await
    .expect("conversation")
}

fn message(conversation: ConversationId, author: Author, body: &str) -> NewMessage {
    NewMessage {
        conversation_id: conversation,
        author,
        body: body.into(),
        internal: false,
        client_key: None,
        metadata: serde_json::json!({}),
    }
}

async fn say(s: &Store, conversation: ConversationId, author: Author, body: &str) -> Message {
    s.append_message(&message(conversation, author, body))
        .await
        .expect("append")
        .message
}

async fn note(s: &Store, conversation: ConversationId, agent: UserId, body: &str) -> Message {
    let mut new = message(conversation, Author::Agent(agent), body);
    new.internal = true;
    s.append_message(&new).await.expect("note").message
}

async fn agent(s: &Store, email: &str) -> UserId {
    s.create_user(
        &NewUser {
            email: email.into(),
            display_name: "Agent".into(),
            role: Role::Agent,
            password_hash: None,
            team: None,
            groups: vec![],
        },
        None,
    )
    .await
    .expect("agent")
}

fn handoff(conversation: ConversationId, reason: &str, due: Option<i64>) -> Handoff {
    Handoff {
        conversation_id: conversation,
        reason: reason.into(),
        priority: TicketPriority::Normal,
        category: "livraison".into(),
        subject: format!("Colis {reason}"),
        suggested_answers: serde_json::json!([{"faq_entry_id": 1, "score": 0.4}]),
        first_response_due_at: due.map(Timestamp),
        resolution_due_at: due.map(|d| Timestamp(d + 86_400_000)),
    }
}

async fn events(s: &Store, name: &str) -> Vec<StoredEvent> {
    s.events(&EventQuery {
        kinds: vec![name.into()],
        ..EventQuery::default()
    })
    .await
    .expect("events")
}

async fn status(s: &Store, id: ConversationId) -> ConversationStatus {
    s.conversation(id)
        .await
        .expect("read")
        .expect("conversation")
        .status
}

async fn sites_have_unguessable_keys_and_normalised_origins(t: &TestStore) {
    let s = &t.store;
    let a = site(s, "Ergolis").await;
    let b = site(s, "Ergolis bis").await;
    assert_ne!(a.site_key, b.site_key);
    assert!(a.site_key.len() >= 32, "{}", a.site_key);
    assert_eq!(
        a.allowed_origins,
        vec!["https://www.ergolis.fr".to_string()]
    );
    assert!(a.allows_origin("https://www.ergolis.fr") && !a.allows_origin("https://evil.example"));
    let found = s.site_by_key(&a.site_key).await.expect("by key");
    assert_eq!(found.as_ref(), Some(&a));
    assert_eq!(s.site_by_key("nope").await.expect("by key"), None);

    let origins = vec![
        "HTTPS://Shop.Ergolis.fr".to_string(),
        "http://localhost:8080/".into(),
    ];
    s.set_site_origins(a.id, &origins).await.expect("origins");
    let a = s.site(a.id).await.expect("read").expect("site");
    assert_eq!(
        a.allowed_origins,
        ["https://shop.ergolis.fr", "http://localhost:8080"]
    );
    let bad = s
        .set_site_origins(a.id, &["ergolis.fr/contact".into()])
        .await;
    assert!(matches!(bad, Err(StoreError::Invalid(_))), "{bad:?}");

    s.disable_site(a.id).await.expect("disable");
    let a = s.site(a.id).await.expect("read").expect("site");
    assert!(!a.enabled());
    let refused = s
        .start_conversation(&NewConversation {
            site_id: a.id,
            contact_id: None,
            language: None,
        })
        .await;
    assert!(
        matches!(refused, Err(StoreError::Invalid(_))),
        "{refused:?}"
    );
    assert_eq!(s.sites().await.expect("sites").len(), 2);
}

async fn a_token_resolves_only_on_its_own_site(t: &TestStore) {
    let s = &t.store;
    let (a, b) = (site(s, "A").await, site(s, "B").await);
    let started = start(s, &a).await;
    let c = &started.conversation;
    assert_eq!(c.status, ConversationStatus::Bot);
    assert_eq!(c.language.as_deref(), Some("fr"));
    assert_eq!(c.site_id, Some(a.id));
    let mine = s
        .conversation_by_token(a.id, &started.token)
        .await
        .expect("token");
    assert_eq!(mine.map(|c| c.id), Some(c.id));
    assert_eq!(
        s.conversation_by_token(b.id, &started.token)
            .await
            .expect("other site"),
        None
    );
    assert_eq!(
        s.conversation_by_token(a.id, &c.id.to_string())
            .await
            .expect("id as token"),
        None
    );
}

async fn a_retried_message_is_not_duplicated(t: &TestStore) {
    let s = &t.store;
    let c = start(s, &site(s, "A").await).await.conversation;
    let mut new = message(c.id, Author::Customer, "Où est mon colis ?");
    new.client_key = Some("k-1".into());
    let first = s.append_message(&new).await.expect("first");
    let retry = s.append_message(&new).await.expect("retry");
    assert!(first.created && !retry.created);
    assert_eq!(first.message, retry.message);

    let mut other = new.clone();
    other.body = "Autre chose".into();
    let clash = s.append_message(&other).await;
    assert!(matches!(clash, Err(StoreError::Conflict(_))), "{clash:?}");
    // The same key in another conversation is another message.
    let c2 = start(s, &site(s, "B").await).await.conversation;
    new.conversation_id = c2.id;
    assert!(
        s.append_message(&new)
            .await
            .expect("other conversation")
            .created
    );
    // Without a key, each call is a message.
    say(s, c.id, Author::Customer, "Bonjour").await;
    say(s, c.id, Author::Customer, "Bonjour").await;

    let all = s
        .messages_after(c.id, None, MessageView::Agent, 100)
        .await
        .expect("list");
    assert_eq!(all.len(), 3);
    assert_eq!(events(s, "message_received").await.len(), 4);

    for (body, internal, author) in [
        (" ", false, Author::Customer),
        ("x", true, Author::Customer),
    ] {
        let mut bad = message(c.id, author, body);
        bad.internal = internal;
        let refused = s.append_message(&bad).await;
        assert!(
            matches!(refused, Err(StoreError::Invalid(_))),
            "{refused:?}"
        );
    }
    let missing = s
        .append_message(&message(ConversationId(9_999), Author::Customer, "x"))
        .await;
    assert!(
        matches!(missing, Err(StoreError::NotFound { .. })),
        "{missing:?}"
    );
    assert_eq!(
        events(s, "message_received").await.len(),
        4,
        "failed appends write no event"
    );
}

async fn catch_up_hides_internal_notes_from_the_customer(t: &TestStore) {
    let s = &t.store;
    let agent = agent(s, "agent@ergolis.fr").await;
    let c = start(s, &site(s, "A").await).await.conversation;
    let question = say(s, c.id, Author::Customer, "<b>Bonjour</b> & merci").await;
    assert_eq!(question.body, "<b>Bonjour</b> & merci", "stored as written");
    let decision = serde_json::json!({"reason": "faq", "candidates": [{"faq_entry_id": 3, "score": 0.91}], "confidence": 0.91, "source": "faq:3"});
    let mut answer = message(
        c.id,
        Author::Bot(BotReply::Answer {
            confidence: 0.91,
            source: Some("faq:3".into()),
        }),
        "Sous 48 h.",
    );
    answer.metadata = decision.clone();
    let answer = s.append_message(&answer).await.expect("answer").message;
    assert_eq!(answer.metadata, decision);
    let secret = note(s, c.id, agent, "Client difficile").await;
    let reply = say(s, c.id, Author::Agent(agent), "Je regarde.").await;

    let customer = s
        .messages_after(c.id, None, MessageView::Customer, 100)
        .await
        .expect("customer");
    let ids: Vec<_> = customer.iter().map(|m| m.id).collect();
    assert_eq!(ids, [question.id, answer.id, reply.id]);
    let after = s
        .messages_after(c.id, Some(question.id), MessageView::Customer, 100)
        .await
        .expect("after");
    assert_eq!(
        after.iter().map(|m| m.id).collect::<Vec<_>>(),
        [answer.id, reply.id]
    );
    let agents = s
        .messages_after(c.id, Some(answer.id), MessageView::Agent, 100)
        .await
        .expect("agent");
    assert_eq!(
        agents.iter().map(|m| m.id).collect::<Vec<_>>(),
        [secret.id, reply.id]
    );
    assert!(agents[0].internal && agents[0].author_user_id == Some(agent));
    let limited = s
        .messages_after(c.id, None, MessageView::Agent, 1)
        .await
        .expect("limit");
    assert_eq!(limited.len(), 1);

    let answered = events(s, "bot_answered").await;
    match answered.first().and_then(StoredEvent::kind) {
        Some(EventKind::BotAnswered {
            message_id,
            confidence,
            source,
            ..
        }) => {
            assert_eq!(
                (message_id, confidence, source.as_deref()),
                (answer.id, 0.91, Some("faq:3"))
            );
        }
        other => panic!("expected bot_answered, got {other:?}"),
    }
    say(
        s,
        c.id,
        Author::Bot(BotReply::Clarification { confidence: 0.4 }),
        "Quel colis ?",
    )
    .await;
    say(s, c.id, Author::Bot(BotReply::Notice), "Un instant.").await;
    assert_eq!(events(s, "bot_clarified").await.len(), 1);
    assert_eq!(events(s, "bot_answered").await.len(), 1);
}

async fn first_response_is_the_first_public_agent_reply(t: &TestStore) {
    let s = &t.store;
    let agent = agent(s, "agent@ergolis.fr").await;
    let c = start(s, &site(s, "A").await).await.conversation;
    say(s, c.id, Author::Customer, "Je veux parler à quelqu'un").await;
    let due = Timestamp::now().millis() + 3_600_000;
    let ticket = s
        .hand_off(&handoff(c.id, "customer_asked", Some(due)), None)
        .await
        .expect("handoff");
    assert_eq!(ticket.status, TicketStatus::Open);
    assert_eq!(ticket.first_response_due_at, Some(Timestamp(due)));
    assert_eq!(status(s, c.id).await, ConversationStatus::Waiting);
    let again = s
        .hand_off(&handoff(c.id, "customer_asked", None), None)
        .await
        .expect("again");
    assert_eq!(again.id, ticket.id, "one ticket per conversation");
    let handed = events(s, "handed_off").await;
    assert_eq!(handed.len(), 1);
    assert!(
        matches!(handed[0].kind(), Some(EventKind::HandedOff { ticket_id, ref reason, .. }) if ticket_id == ticket.id && reason == "customer_asked")
    );

    note(s, c.id, agent, "Je m'en occupe").await;
    let read = |s: &Store| {
        let s = s.clone();
        async move { s.ticket(ticket.id).await.expect("read").expect("ticket") }
    };
    assert_eq!(
        read(s).await.first_response_at,
        None,
        "an internal note is no response"
    );
    assert_eq!(status(s, c.id).await, ConversationStatus::Waiting);
    let reply = say(s, c.id, Author::Agent(agent), "Bonjour, je regarde.").await;
    let first = read(s).await.first_response_at;
    assert_eq!(first, Some(reply.created_at));
    assert_eq!(status(s, c.id).await, ConversationStatus::Open);
    say(s, c.id, Author::Agent(agent), "C'est parti.").await;
    assert_eq!(read(s).await.first_response_at, first);
    let responses = events(s, "agent_first_response").await;
    assert_eq!(responses.len(), 1);
    assert_eq!(responses[0].actor, Some(agent));
    assert!(matches!(
        responses[0].kind(),
        Some(EventKind::AgentFirstResponse {
            within_sla: Some(true),
            ..
        })
    ));
    let by_conversation = s
        .ticket_for_conversation(c.id)
        .await
        .expect("by conversation");
    assert_eq!(by_conversation.map(|t| t.id), Some(ticket.id));
}

async fn tickets_reopen_and_take_one_rating_per_resolution(t: &TestStore) {
    let s = &t.store;
    let agent = agent(s, "agent@ergolis.fr").await;
    let c = start(s, &site(s, "A").await).await.conversation;
    let ticket = s
        .hand_off(&handoff(c.id, "complaint", None), None)
        .await
        .expect("handoff");
    let early = s.rate_ticket(ticket.id, 4, None).await;
    assert!(matches!(early, Err(StoreError::Invalid(_))), "{early:?}");

    let resolved = s
        .set_ticket_status(ticket.id, TicketStatus::Resolved, Some(agent))
        .await
        .expect("resolve");
    assert!(resolved.resolved_at.is_some());
    assert_eq!(status(s, c.id).await, ConversationStatus::Resolved);
    assert_eq!(events(s, "ticket_resolved").await.len(), 1);
    for rating in [0, 6, -1] {
        let out = s.rate_ticket(ticket.id, rating, None).await;
        assert!(
            matches!(out, Err(StoreError::Invalid(_))),
            "{rating}: {out:?}"
        );
    }
    s.rate_ticket(ticket.id, 4, Some(" Rapide "))
        .await
        .expect("rate");
    let twice = s.rate_ticket(ticket.id, 5, None).await;
    assert!(matches!(twice, Err(StoreError::Conflict(_))), "{twice:?}");
    let csat = s
        .ticket(ticket.id)
        .await
        .expect("read")
        .expect("ticket")
        .csat
        .expect("csat");
    assert_eq!((csat.rating, csat.comment.as_deref()), (4, Some("Rapide")));
    assert_eq!(events(s, "csat_given").await.len(), 1);

    say(s, c.id, Author::Customer, "Finalement ça ne marche pas").await;
    let reopened = s.ticket(ticket.id).await.expect("read").expect("ticket");
    assert_eq!(
        (reopened.status, reopened.reopen_count, reopened.resolved_at),
        (TicketStatus::Open, 1, None)
    );
    assert_eq!(status(s, c.id).await, ConversationStatus::Waiting);
    let reopens = events(s, "ticket_reopened").await;
    assert!(matches!(
        reopens[0].kind(),
        Some(EventKind::TicketReopened {
            by_customer: true,
            ..
        })
    ));

    s.set_ticket_status(ticket.id, TicketStatus::Closed, Some(agent))
        .await
        .expect("close");
    s.rate_ticket(ticket.id, 2, None)
        .await
        .expect("a new resolution takes a new rating");
    let again = s
        .set_ticket_status(ticket.id, TicketStatus::Open, Some(agent))
        .await
        .expect("reopen");
    assert_eq!(again.reopen_count, 2);
    assert_eq!(status(s, c.id).await, ConversationStatus::Open);
    let reopens = events(s, "ticket_reopened").await;
    assert_eq!(reopens.len(), 2);
    assert!(matches!(
        reopens[1].kind(),
        Some(EventKind::TicketReopened {
            by_customer: false,
            ..
        })
    ));
    assert_eq!(reopens[1].actor, Some(agent));
    let same = s
        .set_ticket_status(ticket.id, TicketStatus::Open, Some(agent))
        .await
        .expect("same");
    assert_eq!(same.reopen_count, 2, "staying open is no reopen");
    let missing = s
        .set_ticket_status(levier_core::ids::TicketId(9_999), TicketStatus::Open, None)
        .await;
    assert!(
        matches!(missing, Err(StoreError::NotFound { .. })),
        "{missing:?}"
    );
}

async fn inbox_filters_and_sorts_by_sla(t: &TestStore) {
    let s = &t.store;
    let (alice, bob) = (
        agent(s, "alice@ergolis.fr").await,
        agent(s, "bob@ergolis.fr").await,
    );
    let a = site(s, "A").await;
    let now = Timestamp::now().millis();
    let mut tickets = Vec::new();
    for (reason, due) in [
        ("late", Some(now + 3_000)),
        ("complaint", Some(now + 1_000)),
        ("late", None),
        ("customer_asked", Some(now + 2_000)),
    ] {
        let c = start(s, &a).await.conversation;
        say(s, c.id, Author::Customer, &format!("Message {reason}")).await;
        tickets.push(
            s.hand_off(&handoff(c.id, reason, due), None)
                .await
                .expect("handoff"),
        );
    }
    let ids = |items: &[levier_store::support::InboxItem]| {
        items.iter().map(|i| i.ticket.id).collect::<Vec<_>>()
    };
    let all = s.inbox(&InboxQuery::default()).await.expect("inbox");
    assert_eq!(
        ids(&all),
        [tickets[1].id, tickets[3].id, tickets[0].id, tickets[2].id]
    );
    assert_eq!(all[0].due_at, Some(Timestamp(now + 1_000)));
    assert_eq!(all[0].last_message.as_deref(), Some("Message complaint"));
    assert_eq!(all[0].subject, "Colis complaint");

    s.assign_ticket(tickets[0].id, Some(alice))
        .await
        .expect("assign");
    s.assign_ticket(tickets[1].id, Some(bob))
        .await
        .expect("assign");
    s.triage_ticket(tickets[1].id, TicketPriority::Urgent, "réclamation")
        .await
        .expect("triage");
    let query = |assignee, reason: Option<&str>, text: Option<&str>| InboxQuery {
        assignee,
        reason: reason.map(Into::into),
        text: text.map(Into::into),
        ..InboxQuery::default()
    };
    let mine = s
        .inbox(&query(AssigneeFilter::User(alice), None, None))
        .await
        .expect("mine");
    assert_eq!(ids(&mine), [tickets[0].id]);
    let nobody = s
        .inbox(&query(AssigneeFilter::Unassigned, None, None))
        .await
        .expect("unassigned");
    assert_eq!(ids(&nobody), [tickets[3].id, tickets[2].id]);
    let late = s
        .inbox(&query(AssigneeFilter::Anyone, Some("late"), None))
        .await
        .expect("late");
    assert_eq!(ids(&late), [tickets[0].id, tickets[2].id]);
    let found = s
        .inbox(&query(AssigneeFilter::Anyone, None, Some("COMPLAINT")))
        .await
        .expect("text");
    assert_eq!(ids(&found), [tickets[1].id]);
    assert_eq!(found[0].ticket.priority, TicketPriority::Urgent);
    let literal = s
        .inbox(&query(AssigneeFilter::Anyone, None, Some("%")))
        .await
        .expect("percent");
    assert!(
        literal.is_empty(),
        "a % in the search is a character, not a wildcard"
    );

    // Once answered, a ticket's due instant is its resolution's.
    say(s, tickets[1].conversation_id, Author::Agent(bob), "Voilà").await;
    let all = s.inbox(&InboxQuery::default()).await.expect("inbox");
    assert_eq!(
        ids(&all),
        [tickets[3].id, tickets[0].id, tickets[1].id, tickets[2].id]
    );

    s.set_ticket_status(tickets[2].id, TicketStatus::Pending, Some(bob))
        .await
        .expect("pending");
    s.set_ticket_status(tickets[3].id, TicketStatus::Resolved, Some(bob))
        .await
        .expect("resolve");
    let open = s
        .inbox(&InboxQuery {
            statuses: vec![TicketStatus::Open, TicketStatus::Pending],
            limit: Some(2),
            ..InboxQuery::default()
        })
        .await
        .expect("open");
    assert_eq!(ids(&open), [tickets[0].id, tickets[1].id]);
    let counts = s.ticket_counts().await.expect("counts");
    assert_eq!(
        counts,
        TicketCounts {
            open: 2,
            pending: 1,
            resolved: 1,
            closed: 0
        }
    );
    // A customer answering a pending ticket puts it back in the agents' court, without a reopen.
    say(
        s,
        tickets[2].conversation_id,
        Author::Customer,
        "Voici le numéro",
    )
    .await;
    let back = s
        .ticket(tickets[2].id)
        .await
        .expect("read")
        .expect("ticket");
    assert_eq!((back.status, back.reopen_count), (TicketStatus::Open, 0));
}

async fn bot_answers_are_judged_once_per_agent(t: &TestStore) {
    let s = &t.store;
    let (alice, bob) = (
        agent(s, "alice@ergolis.fr").await,
        agent(s, "bob@ergolis.fr").await,
    );
    let c = start(s, &site(s, "A").await).await.conversation;
    let question = say(s, c.id, Author::Customer, "Délai ?").await;
    let reply = BotReply::Answer {
        confidence: 0.7,
        source: None,
    };
    let answer = say(s, c.id, Author::Bot(reply), "48 h").await;
    s.judge_bot_answer(answer.id, alice, Verdict::Wrong)
        .await
        .expect("wrong");
    s.judge_bot_answer(answer.id, alice, Verdict::Wrong)
        .await
        .expect("wrong again");
    let listed = s.wrong_answers(10).await.expect("wrong answers");
    assert_eq!(listed.len(), 1, "alice's verdict, once");
    assert_eq!(
        (
            listed[0].question.as_str(),
            listed[0].answer.as_str(),
            listed[0].judged_by.as_str()
        ),
        ("Délai ?", "48 h", "Agent"),
        "the answer is listed with the question it answered and who judged it"
    );
    assert_eq!(listed[0].ticket_id, None);
    s.judge_bot_answer(answer.id, bob, Verdict::Right)
        .await
        .expect("right");
    s.judge_bot_answer(answer.id, alice, Verdict::Right)
        .await
        .expect("changed mind");
    assert!(
        s.wrong_answers(10).await.expect("wrong answers").is_empty(),
        "no longer wrong"
    );
    let verdicts = s.bot_answer_verdicts(answer.id).await.expect("verdicts");
    assert_eq!(verdicts.len(), 2);
    assert!(verdicts.iter().all(|v| v.verdict == Verdict::Right));
    let wrong = events(s, "bot_answer_marked_wrong").await;
    assert_eq!(wrong.len(), 1);
    assert!(
        matches!(wrong[0].kind(), Some(EventKind::BotAnswerMarkedWrong { message_id, user_id }) if message_id == answer.id && user_id == alice)
    );
    let not_bot = s.judge_bot_answer(question.id, alice, Verdict::Wrong).await;
    assert!(
        matches!(not_bot, Err(StoreError::Invalid(_))),
        "{not_bot:?}"
    );
    let missing = s
        .judge_bot_answer(levier_core::ids::MessageId(9_999), alice, Verdict::Wrong)
        .await;
    assert!(
        matches!(missing, Err(StoreError::NotFound { .. })),
        "{missing:?}"
    );
}

async fn customers_say_whether_an_answer_helped(t: &TestStore) {
    let s = &t.store;
    let site = site(s, "A").await;
    let c = start(s, &site).await.conversation;
    let other = start(s, &site).await.conversation;
    let question = say(s, c.id, Author::Customer, "Délai ?").await;
    let reply = BotReply::Answer {
        confidence: 0.9,
        source: None,
    };
    let answer = say(s, c.id, Author::Bot(reply), "48 h").await;
    let changed = |helpful| s.rate_bot_answer(c.id, answer.id, helpful);
    assert!(changed(true).await.expect("helped"));
    assert!(!changed(true).await.expect("said again"), "no change");
    assert!(changed(false).await.expect("changed mind"));
    let said: Vec<bool> = events(s, "bot_answer_helpful")
        .await
        .iter()
        .filter_map(|e| match e.kind() {
            Some(EventKind::BotAnswerHelpful { helpful, .. }) => Some(helpful),
            _ => None,
        })
        .collect();
    assert_eq!(said, [true, false]);
    let not_bot = s.rate_bot_answer(c.id, question.id, true).await;
    assert!(
        matches!(not_bot, Err(StoreError::Invalid(_))),
        "{not_bot:?}"
    );
    let elsewhere = s.rate_bot_answer(other.id, answer.id, true).await;
    assert!(
        matches!(elsewhere, Err(StoreError::NotFound { .. })),
        "another conversation's answer: {elsewhere:?}"
    );
}

async fn agents_mark_messages_outside_the_faq_once(t: &TestStore) {
    let s = &t.store;
    let alice = agent(s, "alice@ergolis.fr").await;
    let c = start(s, &site(s, "A").await).await.conversation;
    let question = say(
        s,
        c.id,
        Author::Customer,
        "  Vous louez des camionnettes ? ",
    )
    .await;
    let again = say(s, c.id, Author::Customer, "Vous louez des camionnettes ?").await;
    let reply = say(
        s,
        c.id,
        Author::Bot(BotReply::Notice),
        "Un conseiller arrive.",
    )
    .await;
    let before = s.last_change_seq().await.expect("seq");
    assert!(s.mark_out_of_scope(question.id, alice).await.expect("mark"));
    assert!(
        !s.mark_out_of_scope(again.id, alice)
            .await
            .expect("same text"),
        "the same words are one example"
    );
    assert_eq!(
        s.out_of_scope_examples().await.expect("examples"),
        vec!["Vous louez des camionnettes ?".to_string()]
    );
    let changes = changes_after(s, before).await;
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0].0, Entity::OutOfScopeExample);
    let bot = s.mark_out_of_scope(reply.id, alice).await;
    assert!(matches!(bot, Err(StoreError::Invalid(_))), "{bot:?}");
    let missing = s
        .mark_out_of_scope(levier_core::ids::MessageId(9_999), alice)
        .await;
    assert!(
        matches!(missing, Err(StoreError::NotFound { .. })),
        "{missing:?}"
    );
}

async fn unanswered_messages_are_the_last_customer_words_the_bot_still_holds(t: &TestStore) {
    let s = &t.store;
    let a = site(s, "A").await;
    let (waiting, answered) = (
        start(s, &a).await.conversation,
        start(s, &a).await.conversation,
    );
    say(s, waiting.id, Author::Customer, "bonjour").await;
    let last = say(s, waiting.id, Author::Customer, "vous êtes là ?").await;
    say(s, answered.id, Author::Customer, "délai ?").await;
    say(s, answered.id, Author::Bot(BotReply::Notice), "48 h").await;
    let later = Timestamp(last.created_at.0 + 1);
    let found = s.unanswered_messages(later, 10).await.expect("query");
    assert_eq!(
        found.iter().map(|m| m.id).collect::<Vec<_>>(),
        vec![last.id]
    );
    assert!(
        s.unanswered_messages(last.created_at, 10)
            .await
            .expect("query")
            .is_empty(),
        "younger messages are left to their request"
    );
}

fn faq(question: &str, category: &str, phrasings: &[&str]) -> NewFaqEntry {
    NewFaqEntry {
        question: question.into(),
        answer: format!("Réponse à « {question} »"),
        category: category.into(),
        language: "fr".into(),
        public: true,
        phrasings: phrasings.iter().map(|p| p.to_string()).collect(),
    }
}

async fn changes_after(s: &Store, seq: i64) -> Vec<(Entity, i64, ChangeOp)> {
    let changes = s.changes_since(seq, 100).await.expect("changes");
    changes
        .into_iter()
        .map(|c| (c.entity, c.entity_id, c.op))
        .collect()
}

async fn faq_management_records_changes(t: &TestStore) {
    let s = &t.store;
    let owner = agent(s, "champion@ergolis.fr").await;
    let delivery = s
        .create_faq_entry(&faq(
            "Quels sont les délais de livraison ?",
            "livraison",
            &["Je reçois ma commande quand ?"],
        ))
        .await
        .expect("faq");
    let invoice = s
        .create_faq_entry(&faq("Où trouver ma facture ?", "facturation", &[]))
        .await
        .expect("faq");
    assert_eq!(
        s.faq_entry_by_question("Où trouver ma facture ?")
            .await
            .expect("by question"),
        Some(invoice)
    );

    let list = |filter: FaqFilter| async move {
        s.faq_entries(&filter)
            .await
            .expect("list")
            .iter()
            .map(|e| e.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(list(FaqFilter::default()).await, [invoice, delivery]);
    assert_eq!(
        list(FaqFilter {
            category: Some("livraison".into()),
            ..FaqFilter::default()
        })
        .await,
        [delivery]
    );
    assert_eq!(
        list(FaqFilter {
            language: Some("en".into()),
            ..FaqFilter::default()
        })
        .await,
        Vec::<FaqEntryId>::new()
    );
    assert_eq!(
        list(FaqFilter {
            text: Some("COMMANDE".into()),
            ..FaqFilter::default()
        })
        .await,
        [delivery],
        "phrasings are searched"
    );

    let seq = s.last_change_seq().await.expect("seq");
    let review = Timestamp(1_800_000_000_000);
    s.update_faq_entry(
        delivery,
        &FaqEdit {
            question: "Quel est le délai de livraison ?".into(),
            answer: "48 h ouvrées.".into(),
            category: "livraison".into(),
            language: "fr".into(),
            public: false,
            owner: Some(owner),
            review_at: Some(review),
        },
    )
    .await
    .expect("update");
    let added = s
        .add_faq_phrasing(
            delivery,
            " c'est long la livraison ? ",
            PhrasingOrigin::Agent,
            Some(owner),
        )
        .await
        .expect("phrasing");
    let twin = s
        .add_faq_phrasing(
            delivery,
            "c'est long la livraison ?",
            PhrasingOrigin::Manual,
            None,
        )
        .await;
    assert!(matches!(twin, Err(StoreError::Conflict(_))), "{twin:?}");
    let full = s.faq_entry(delivery).await.expect("read").expect("entry");
    assert_eq!(
        (full.entry.public, full.entry.owner, full.entry.review_at),
        (false, Some(owner), Some(review))
    );
    assert_eq!(full.entry.answer, "48 h ouvrées.");
    let bodies: Vec<_> = full.phrasings.iter().map(|p| p.body.as_str()).collect();
    assert_eq!(
        bodies,
        [
            "Quels sont les délais de livraison ?",
            "Je reçois ma commande quand ?",
            "c'est long la livraison ?"
        ]
    );
    let last = full.phrasings.last().expect("phrasing");
    assert_eq!(
        (last.id, last.origin, last.created_by),
        (added, PhrasingOrigin::Agent, Some(owner))
    );

    s.remove_faq_phrasing(full.phrasings[1].id)
        .await
        .expect("remove");
    let missing = s.remove_faq_phrasing(full.phrasings[1].id).await;
    assert!(
        matches!(missing, Err(StoreError::NotFound { .. })),
        "{missing:?}"
    );
    let training = s.faq_training_set().await.expect("training");
    assert_eq!(
        training
            .iter()
            .map(|e| (e.entry.id, e.phrasings.len()))
            .collect::<Vec<_>>(),
        [(delivery, 2), (invoice, 1)]
    );

    s.delete_faq_entry(invoice).await.expect("delete");
    assert_eq!(s.faq_entry(invoice).await.expect("read"), None);
    let gone = s
        .update_faq_entry(
            invoice,
            &FaqEdit {
                question: "q".into(),
                answer: "a".into(),
                category: String::new(),
                language: "fr".into(),
                public: true,
                owner: None,
                review_at: None,
            },
        )
        .await;
    assert!(matches!(gone, Err(StoreError::NotFound { .. })), "{gone:?}");
    let upsert = |id: FaqEntryId| (Entity::FaqEntry, id.0, ChangeOp::Upsert);
    assert_eq!(
        changes_after(s, seq).await,
        [
            upsert(delivery),
            upsert(delivery),
            upsert(delivery),
            (Entity::FaqEntry, invoice.0, ChangeOp::Delete)
        ],
        "update, add and remove a phrasing, delete: each a change, failures none"
    );
}
