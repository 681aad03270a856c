import type { VeRow } from '../database/database.types';
import type { Ve } from './ves.types';

export function toVe(row: VeRow): Ve {
  return {
    id: row.id,
    customerId: row.customer_id,
    templateId: row.template_id,
    name: row.name,
    role: row.role,
    department: row.department,
    agentName: row.agent_name,
    namespace: row.namespace,
    model: row.model,
    skills: row.skills,
    tools: row.tools,
    managerId: row.manager_id,
    status: row.status,
    statusReason: row.status_reason,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    systemPrompt: row.system_prompt,
    agentUrl: row.agent_url,
    generation: row.generation,
  };
}
