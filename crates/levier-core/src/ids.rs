//! Typed identifiers, so that a ticket id can never be passed where a user id is expected.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// A person who logs in to levier (employee, agent, admin…).
    UserId
);
id_type!(
    /// An access group: the unit of document access.
    GroupId
);
id_type!(
    /// Where documents come from (a folder, uploads, a mailbox).
    SourceId
);
id_type!(
    /// A document of the company's knowledge.
    DocumentId
);
id_type!(
    /// A passage of a document, the unit of retrieval.
    ChunkId
);
id_type!(
    /// A question and its answer in the FAQ.
    FaqEntryId
);
id_type!(
    /// Another way of asking an FAQ entry's question.
    FaqPhrasingId
);
id_type!(
    /// A website carrying the chat widget.
    SiteId
);
id_type!(
    /// A customer or prospect known by the company.
    ContactId
);
id_type!(
    /// An exchange with a customer on one channel.
    ConversationId
);
id_type!(
    /// One message of a conversation.
    MessageId
);
id_type!(
    /// A case handed to people.
    TicketId
);
id_type!(
    /// A prospect being qualified.
    LeadId
);
id_type!(
    /// An entry of the use-case inventory.
    UseCaseId
);
id_type!(
    /// A time-boxed trial of a use case on a limited scope.
    PilotId
);
id_type!(
    /// A durable unit of long-running work.
    TaskId
);
id_type!(
    /// A sentence-embedding model as the store knows it (name and weights), so vectors made by
    /// different models are never compared.
    EmbeddingModelId
);
