// The AWS Chatbot (Amazon Q Developer in chat applications) custom-notification event, as its guide documents it, as JSON Schema.
// version "1.0" and source "custom" are required; content.description is required; only the client-markdown text type exists.
export const CHATBOT_CUSTOM_NOTIFICATION_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  required: ['version', 'source', 'content'],
  additionalProperties: false,
  properties: {
    version: { const: '1.0' },
    source: { const: 'custom' },
    id: { type: 'string', minLength: 1 },
    content: {
      type: 'object',
      required: ['description'],
      additionalProperties: false,
      properties: {
        textType: { enum: ['client-markdown'] },
        title: { type: 'string', minLength: 1 },
        description: { type: 'string', minLength: 1 },
        nextSteps: { type: 'array', items: { type: 'string', minLength: 1 } },
        keywords: { type: 'array', items: { type: 'string', minLength: 1 } },
      },
    },
    metadata: {
      type: 'object',
      additionalProperties: false,
      properties: {
        threadId: { type: 'string', minLength: 1 },
        summary: { type: 'string', minLength: 1 },
        eventType: { type: 'string', minLength: 1 },
        relatedResources: { type: 'array', items: { type: 'string' } },
        additionalContext: { type: 'object', additionalProperties: { type: 'string' } },
      },
    },
  },
} as const;
