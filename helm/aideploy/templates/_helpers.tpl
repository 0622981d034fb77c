{{/* Chart name, truncated to the 63 characters of a DNS label. */}}
{{- define "aideploy.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Fully qualified app name; the release name alone when it already contains the chart name. */}}
{{- define "aideploy.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "aideploy.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of every object. */}}
{{- define "aideploy.labels" -}}
helm.sh/chart: {{ include "aideploy.chart" . }}
app.kubernetes.io/name: {{ include "aideploy.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: aideploy
{{- end }}

{{/* Selector labels of one component; call with (dict "ctx" $ "component" "operator"). */}}
{{- define "aideploy.selectorLabels" -}}
app.kubernetes.io/name: {{ include "aideploy.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* Labels of one component's objects; call with (dict "ctx" $ "component" "operator"). */}}
{{- define "aideploy.componentLabels" -}}
{{ include "aideploy.labels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "aideploy.operatorName" -}}
{{- printf "%s-operator" (include "aideploy.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "aideploy.gatewayName" -}}
{{- printf "%s-gateway" (include "aideploy.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "aideploy.sessionKeySecretName" -}}
{{- if .Values.gateway.sessionKey.existingSecret }}
{{- .Values.gateway.sessionKey.existingSecret }}
{{- else }}
{{- printf "%s-session-key" (include "aideploy.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "aideploy.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* The in-cluster URL of the gateway, unless set explicitly. */}}
{{- define "aideploy.gatewayUrl" -}}
{{- if .Values.settings.gatewayUrl }}
{{- .Values.settings.gatewayUrl }}
{{- else }}
{{- printf "http://%s.%s.svc.cluster.local:%v" (include "aideploy.gatewayName" .) .Release.Namespace .Values.gateway.service.port }}
{{- end }}
{{- end }}

{{- define "aideploy.loginHost" -}}
{{- default (printf "login.%s" .Values.settings.baseDomain) .Values.gateway.ingress.host }}
{{- end }}

{{/* Environment common to both components: the shared settings as AIDEPLOY_* variables. */}}
{{- define "aideploy.settingsEnv" -}}
- name: AIDEPLOY_BASE_DOMAIN
  value: {{ .Values.settings.baseDomain | quote }}
- name: AIDEPLOY_GATEWAY_URL
  value: {{ include "aideploy.gatewayUrl" . | quote }}
{{- with .Values.settings.loginUrl }}
- name: AIDEPLOY_LOGIN_URL
  value: {{ . | quote }}
{{- end }}
- name: AIDEPLOY_INGRESS_CLASS
  value: {{ .Values.settings.ingressClass | quote }}
{{- with .Values.settings.authKeepalive }}
- name: AIDEPLOY_AUTH_KEEPALIVE
  value: {{ . | quote }}
{{- end }}
{{- if eq .Values.settings.exposure.mode "gateway-api" }}
{{- $gw := .Values.settings.exposure.gatewayApi }}
{{- if not (and $gw.parent.namespace $gw.parent.name) }}
{{- fail "settings.exposure.gatewayApi.parent.namespace and .name are required with settings.exposure.mode gateway-api" }}
{{- end }}
- name: AIDEPLOY_EXPOSURE
  value: gateway-api
- name: AIDEPLOY_GATEWAY_PARENT
  value: {{ join "/" (compact (list $gw.parent.namespace $gw.parent.name $gw.parent.sectionName)) | quote }}
- name: AIDEPLOY_GATEWAY_AUTH
  value: {{ $gw.auth | quote }}
{{- if eq $gw.auth "istio" }}
- name: AIDEPLOY_ISTIO_PROVIDER
  value: {{ $gw.istioProvider | quote }}
{{- end }}
{{- end }}
{{- with .Values.settings.tlsSecret }}
- name: AIDEPLOY_TLS_SECRET
  value: {{ . | quote }}
{{- end }}
{{- with .Values.settings.watchNamespaces }}
- name: AIDEPLOY_WATCH_NAMESPACES
  value: {{ join "," . | quote }}
{{- end }}
- name: AIDEPLOY_LOG_LEVEL
  value: {{ .Values.settings.logLevel | quote }}
- name: AIDEPLOY_MANAGEMENT_PORT
  value: {{ .Values.managementPort | quote }}
{{- end }}

{{/* Namespaces that get namespaced RBAC; empty for a cluster-wide install. */}}
{{- define "aideploy.clusterWide" -}}
{{- if not .Values.settings.watchNamespaces }}true{{- end }}
{{- end }}

{{/* Probes on the management port: /healthz for liveness, /readyz for readiness. */}}
{{- define "aideploy.probes" -}}
startupProbe:
  httpGet: {path: /healthz, port: management}
  periodSeconds: 2
  failureThreshold: 60
livenessProbe:
  httpGet: {path: /healthz, port: management}
  periodSeconds: 10
  timeoutSeconds: 3
  failureThreshold: 3
readinessProbe:
  httpGet: {path: /readyz, port: management}
  periodSeconds: 5
  timeoutSeconds: 3
  failureThreshold: 3
{{- end }}

{{/*
The gateway's trusted proxies: gateway.trustedProxies when set. Otherwise every address, but only
while the NetworkPolicy lets nothing but the ingress controller's namespace reach the gateway
port: then every peer is that proxy, and its X-Forwarded-For names the client. Without that
policy any pod could write its own X-Forwarded-For, so only loopback is trusted.
*/}}
{{- define "aideploy.trustedProxies" -}}
{{- if .Values.gateway.trustedProxies -}}
{{- join "," .Values.gateway.trustedProxies -}}
{{- else if and .Values.networkPolicy.enabled (include "aideploy.gatewayPortRestricted" .) -}}
0.0.0.0/0,::/0
{{- else -}}
127.0.0.0/8,::1/128
{{- end -}}
{{- end }}

{{/* Non-empty when the gateway port's NetworkPolicy selects some namespaces, not all of them. */}}
{{- define "aideploy.gatewayPortRestricted" -}}
{{- $selector := .Values.networkPolicy.gatewayFromNamespaceSelector | default dict -}}
{{- if or $selector.matchLabels $selector.matchExpressions -}}true{{- end -}}
{{- end }}
